/** Strict XML reading for SAML documents: a real parser (xmldom, the one node-saml uses), no DOCTYPE, namespace-aware lookups. */
import { DOMParser, type XmlDocument, type XmlElement } from "@xmldom/xmldom/lib/dom-parser.js";

export type { XmlDocument, XmlElement };

/** The document, or undefined when it is not well-formed or declares a DOCTYPE (never needed in SAML; keeps entity tricks out). */
export function parseXml(xml: string): XmlDocument | undefined {
  if (/<!DOCTYPE/i.test(xml)) return undefined;
  let failed = false;
  const fail = () => {
    failed = true;
  };
  // xmldom 0.8 reports errors to errorHandler and goes on parsing: any error fails the document.
  const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: fail, fatalError: fail } }).parseFromString(xml, "application/xml");
  return failed || !doc?.documentElement ? undefined : doc;
}

/** Every element named `ns`:`name` under `root`, at any depth. */
export const descendants = (root: XmlDocument | XmlElement, ns: string, name: string): XmlElement[] => Array.from(root.getElementsByTagNameNS(ns, name));

/** The direct children of `parent` named `ns`:`name`. */
export const children = (parent: XmlElement, ns: string, name: string): XmlElement[] =>
  Array.from(parent.childNodes).filter(
    (n): n is XmlElement => n.nodeType === 1 && (n as XmlElement).namespaceURI === ns && (n as XmlElement).localName === name,
  );
