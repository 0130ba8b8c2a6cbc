import { describeValue } from '@switchyard/errors';
import { ContractError } from './errors.js';
import type { StandardSchemaV1 } from './schema.js';

/** One method: the schema its input must pass, and the one its output must pass. */
export interface MethodSchemas<I extends StandardSchemaV1 = StandardSchemaV1, O extends StandardSchemaV1 = StandardSchemaV1> {
  readonly input: I;
  readonly output: O;
}

export type MethodMap = Readonly<Record<string, MethodSchemas>>;

/** A named set of typed methods, made by `defineContract`. */
export interface Contract<N extends string = string, M extends MethodMap = MethodMap> {
  readonly name: N;
  readonly methods: M;
}

/** The method names of a contract. */
export type MethodName<C extends Contract> = keyof C['methods'] & string;
/** What a caller passes to `method` (the schema's input type). */
export type MethodInput<C extends Contract, K extends MethodName<C>> = StandardSchemaV1.InferInput<C['methods'][K]['input']>;
/** What a caller gets back from `method` (the schema's output type). */
export type MethodOutput<C extends Contract, K extends MethodName<C>> = StandardSchemaV1.InferOutput<C['methods'][K]['output']>;

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

function isSchema(v: unknown): v is StandardSchemaV1 {
  const s = (v as { '~standard'?: { version?: unknown; validate?: unknown } } | null)?.['~standard'];
  return typeof s === 'object' && s !== null && s.version === 1 && typeof s.validate === 'function';
}

/**
 * A contract: `defineContract('billing', { charge: { input: z.object(…), output: z.object(…) } })`.
 * Schemas are any Standard Schema validator; their types become the types of `call`.
 */
export function defineContract<const N extends string, const M extends MethodMap>(name: N, methods: M): Contract<N, M> {
  if (typeof name !== 'string' || !NAME.test(name)) throw new ContractError('CONTRACT_BAD_DEFINITION', `defineContract(): name must be dotted segments of letters, digits, "_" or "-", got ${describeValue(name)}`);
  if (typeof methods !== 'object' || methods === null || Object.keys(methods).length === 0) {
    throw new ContractError('CONTRACT_BAD_DEFINITION', `defineContract("${name}"): methods must be an object with at least one method`, { contract: name });
  }
  for (const [method, m] of Object.entries(methods)) {
    for (const side of ['input', 'output'] as const) {
      if (!isSchema((m as Partial<MethodSchemas> | null)?.[side])) {
        throw new ContractError('CONTRACT_BAD_DEFINITION', `defineContract("${name}"): method "${method}" needs an ${side} schema implementing Standard Schema (zod, valibot, arktype…), got ${describeValue((m as unknown as Record<string, unknown> | null)?.[side])}`, {
          contract: name,
          method,
        });
      }
    }
  }
  return Object.freeze({ name, methods: Object.freeze({ ...methods }) as M });
}
