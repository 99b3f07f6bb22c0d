/**
 * Property access by a name known only at run time (a column of the file, a field of the plan), compiled once into
 * a function of its own. Why: a generic `object[name]` with a different name at each use turns V8's access site
 * megamorphic, and every read or write then goes through a global cache lookup. On 1M contacts, perf showed those
 * lookups (KeyedLoadIC_Megamorphic, KeyedStoreIC_Megamorphic) at 2% of all CPU samples of a load: the record builder
 * writing ten columns per row, and the mapping reading them back through one getter shared by all columns.
 *
 * The generated code only ever holds names as JSON string literals, so no name can become code.
 */

/** Names that an object literal would not keep as an own property. */
const unsafeName = (name: string) => name === '__proto__';

/** A reader of `object[name]` with its own, monomorphic, access site. */
export const propertyReader = (name: string): ((object: Record<string, unknown>) => unknown) => {
  if (unsafeName(name)) return (object) => (Object.hasOwn(object, name) ? object[name] : undefined);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see the module comment: a name, quoted as JSON.
  return new Function('object', `return object[${JSON.stringify(name)}];`) as (
    object: Record<string, unknown>,
  ) => unknown;
};

type Maker = (values: readonly unknown[], later: unknown) => Record<string, unknown>;

/**
 * Makers by their object literal: callers ask again per file and per dossier, and files of one layout get the maker
 * compiled (and optimised) the first time; every object it makes has the same shape, so sharing it costs nothing.
 * Bounded, for runs over many layouts. (Readers are not shared: one reader used on objects of many shapes would
 * turn megamorphic again.)
 */
const makers = new Map<string, Maker>();
const MAX_MAKERS = 256;

/**
 * A maker of objects with these properties, in this order: `names[i]` holds `values[i]` of the array given, and each
 * of `laterNames` holds `later` (a field filled in afterwards, present from the start so that filling it does not
 * change the object's shape). One object literal: every object has one shape, its properties inside the object,
 * written without a lookup.
 */
export const fixedShapeMaker = (
  names: readonly string[],
  laterNames: readonly string[] = [],
  later: unknown = '',
): ((values: readonly unknown[]) => Record<string, unknown>) => {
  const others = laterNames.filter((name) => !names.includes(name));
  if (names.some(unsafeName) || others.some(unsafeName) || new Set(names).size !== names.length) {
    // Not one shape: property by property (defined, so that __proto__ is a property like any other); of two
    // columns of one name, the later value wins.
    const define = (object: Record<string, unknown>, name: string, value: unknown) =>
      Object.defineProperty(object, name, { value, writable: true, enumerable: true, configurable: true });
    return (values) => {
      const object: Record<string, unknown> = {};
      names.forEach((name, index) => define(object, name, values[index]));
      for (const name of others) define(object, name, later);
      return object;
    };
  }
  const properties = [
    ...names.map((name, index) => `${JSON.stringify(name)}: values[${index}]`),
    ...others.map((name) => `${JSON.stringify(name)}: later`),
  ];
  const literal = properties.join(', ');
  let make = makers.get(literal);
  if (make === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see the module comment: names, quoted as JSON.
    make = new Function('values', 'later', `return { ${literal} };`) as Maker;
    if (makers.size >= MAX_MAKERS) makers.clear();
    makers.set(literal, make);
  }
  const shaped = make;
  return (values) => shaped(values, later);
};
