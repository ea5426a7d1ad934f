/**
 * A record the store holds, copied once per flush on its first change and then changed in place: a
 * list of 50,000 pods arrives as one batch, and a copy per pod made that batch quadratic.
 */
export function copiedOnFirstWrite<T>(original: Readonly<Record<string, T>>): CopiedOnFirstWrite<T> {
  let copy: Record<string, T> | undefined;
  return {
    set(id: string, value: T): void {
      copy ??= { ...original };
      copy[id] = value;
    },
    remove(id: string): void {
      if (!Object.hasOwn(copy ?? original, id)) return;
      copy ??= { ...original };
      delete copy[id];
    },
    get current(): Readonly<Record<string, T>> {
      return copy ?? original;
    },
  };
}

export interface CopiedOnFirstWrite<T> {
  set(id: string, value: T): void;
  remove(id: string): void;
  readonly current: Readonly<Record<string, T>>;
}
