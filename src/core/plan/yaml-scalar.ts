/** A YAML scalar for generated plans: plain when it is safe to read as such, double-quoted (JSON escapes are valid YAML) otherwise. */
export const yamlScalar = (text: string): string =>
  /^[A-Za-z0-9_./-]+$/.test(text) ? text : JSON.stringify(text);
