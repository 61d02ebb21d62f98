import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { DomainException, ErrorCode, type FieldError } from '../errors/domain.exception';
import { unsafeTextReason } from './safe-text';

/**
 * Every path parameter, query value, header and body field of every route passes here: text that
 * PostgreSQL would refuse (NUL, a lone surrogate) is a 400 naming the field, never a 500 later.
 */
@Injectable()
export class SafeInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const error = firstUnsafe(value, metadata.data ?? '');
    if (error) throw new DomainException(ErrorCode.Validation, 'The request is not valid.', [error]);
    return value;
  }
}

/** Walks strings, arrays and plain objects (keys too) without recursion, so no nesting depth can overflow the stack. */
export function firstUnsafe(root: unknown, rootPath: string): FieldError | undefined {
  const stack: Array<[unknown, string]> = [[root, rootPath]];
  const field = (path: string) => path || '(body)';
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      const reason = unsafeTextReason(value);
      if (reason) return { field: field(path), message: reason };
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, path ? `${path}.${i}` : String(i)]));
    } else if (value !== null && typeof value === 'object' && isDictionary(value)) {
      for (const [key, item] of Object.entries(value)) {
        const reason = unsafeTextReason(key);
        if (reason) return { field: field(path), message: `a field name ${reason}` };
        stack.push([item, path ? `${path}.${key}` : key]);
      }
    }
  }
  return undefined;
}

/** Plain and prototype-less objects, and the bare-prototype dictionaries fast-querystring makes of form bodies. */
function isDictionary(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}
