/**
 * `real` (a target or a state store), its process "killed" just before or just after one of its methods does its work
 * for the calls `matches` picks: an error thrown there, which nothing catches, so nothing that follows in the process
 * runs, as after `kill -9`. The window is hit every time, where a SIGKILL timed from outside would hit it by chance.
 */
export const killedAtCall = <T extends object, M extends keyof T & string>(
  real: T,
  method: M,
  when: 'before' | 'after',
  matches: (...args: T[M] extends (...args: infer A) => unknown ? A : never) => boolean,
): T =>
  new Proxy(real, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(target);
      if (property !== method) return bound;
      return async (...args: unknown[]) => {
        if (!(matches as (...args: unknown[]) => boolean)(...args)) return bound(...args);
        if (when === 'after') await bound(...args);
        throw new Error(`killed ${when} ${method}`);
      };
    },
  });
