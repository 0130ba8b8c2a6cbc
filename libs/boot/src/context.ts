import { BootError } from './errors.js';

/** A typed key for a value that one component provides to those that follow it. */
export interface BootKey<T> {
  readonly name: string;
  /** Type-only marker. */
  readonly __type?: T;
}

export function createKey<T>(name: string): BootKey<T> {
  return Object.freeze({ name }) as BootKey<T>;
}

/** An immutable map of typed values; `with` returns a new context. */
export class BootContext {
  private constructor(private readonly values: ReadonlyMap<BootKey<unknown>, unknown>) {}

  static empty(): BootContext {
    return new BootContext(new Map());
  }

  with<T>(key: BootKey<T>, value: T): BootContext {
    const next = new Map(this.values);
    next.set(key as BootKey<unknown>, value);
    return new BootContext(next);
  }

  find<T>(key: BootKey<T>): T | undefined {
    return this.values.get(key as BootKey<unknown>) as T | undefined;
  }

  get<T>(key: BootKey<T>): T {
    if (!this.values.has(key as BootKey<unknown>)) {
      throw new BootError('MISSING_CONTEXT', `boot context has no value for "${key.name}": is the component that provides it a dependency?`);
    }
    return this.values.get(key as BootKey<unknown>) as T;
  }

  has(key: BootKey<unknown>): boolean {
    return this.values.has(key);
  }
}
