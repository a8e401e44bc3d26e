/** What the log pages share: a filter's select box, and the query string of a filter or a next page. */

/** `?k=v&...` of the parameters that have a value, or nothing. */
export const queryOf = (params: Record<string, string | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, v);
  const text = q.toString();
  return text ? `?${text}` : "";
};

/** A labelled select box whose option `value` is chosen (blank: the first). */
export function Select(props: { id: string; label: string; name: string; value: string | undefined; options: [string, string][] }) {
  return (
    <div>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name}>
        {props.options.map(([value, text]) => (
          <option value={value} selected={(props.value ?? "") === value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}
