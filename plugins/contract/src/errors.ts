import { SwitchyardError } from '@switchyard/errors';
import type { ContractIssue } from './schema.js';

export type ContractErrorCode =
  | 'CONTRACT_INPUT'
  | 'CONTRACT_OUTPUT'
  | 'NO_SUCH_CONTRACT'
  | 'NO_SUCH_METHOD'
  | 'CONTRACT_BAD_DEFINITION'
  | 'CONTRACT_BAD_BINDING'
  | 'CONTRACT_DUPLICATE_BINDING'
  | 'CONTRACT_BAD_ARGUMENT';

export interface ContractErrorFields {
  contract?: string;
  binding?: string;
  method?: string;
  /** For CONTRACT_INPUT / CONTRACT_OUTPUT: what the schema said, with paths. */
  issues?: readonly ContractIssue[];
  /** For CONTRACT_BAD_BINDING: the methods the binding lacks, or names that are not methods. */
  methods?: readonly string[];
  /** For CONTRACT_BAD_BINDING: function names the function plugin does not know. */
  functions?: readonly string[];
  cause?: unknown;
}

/** A contract was defined, bound or called wrongly; the fields name the contract, binding and method. */
export class ContractError extends SwitchyardError {
  declare readonly code: ContractErrorCode;
  readonly contract: string | undefined;
  readonly binding: string | undefined;
  readonly method: string | undefined;
  readonly issues: readonly ContractIssue[] | undefined;
  readonly methods: readonly string[] | undefined;
  readonly functions: readonly string[] | undefined;
  constructor(code: ContractErrorCode, message: string, fields: ContractErrorFields = {}) {
    super(code, message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.contract = fields.contract;
    this.binding = fields.binding;
    this.method = fields.method;
    this.issues = fields.issues;
    this.methods = fields.methods;
    this.functions = fields.functions;
  }
}
