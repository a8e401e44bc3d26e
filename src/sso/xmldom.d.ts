// @xmldom/xmldom's own typings reference lib "dom", whose globals clash with the Workers types
// (crypto.subtle, BufferSource). The parser is imported by its file path and typed here, narrowly.
declare module "@xmldom/xmldom/lib/dom-parser.js" {
  export interface XmlNode {
    readonly nodeType: number;
    readonly childNodes: ArrayLike<XmlNode>;
    readonly textContent: string | null;
  }
  export interface XmlElement extends XmlNode {
    readonly localName: string;
    readonly namespaceURI: string | null;
    getAttribute(name: string): string | null;
    getElementsByTagNameNS(ns: string, name: string): ArrayLike<XmlElement>;
  }
  export interface XmlDocument extends XmlNode {
    readonly documentElement: XmlElement | null;
    getElementsByTagNameNS(ns: string, name: string): ArrayLike<XmlElement>;
  }
  type Report = (message: string) => void;
  export class DOMParser {
    constructor(options?: { errorHandler?: { warning?: Report; error?: Report; fatalError?: Report } });
    parseFromString(source: string, mimeType: string): XmlDocument | undefined;
  }
}
