/**
 * The only place that opens libc. Everything else in ffi/ asks
 * {@linkcode libc} for the bound symbols.
 *
 * @module
 */
import { LIBC_SYMBOLS } from "./symbols.ts";
import { SyscallError } from "./syscall_error.ts";

/** The bound libc symbols. */
export type Libc = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>["symbols"];

let library: Deno.DynamicLibrary<typeof LIBC_SYMBOLS> | undefined;

/** Opens libc once per isolate and returns its bound symbols. */
export function libc(): Libc {
  if (library === undefined) {
    let lastError: unknown;
    for (const name of ["libc.so.6", "libc.so"]) {
      try {
        library = Deno.dlopen(name, LIBC_SYMBOLS);
        break;
      } catch (error) {
        lastError = error;
      }
    }
    if (library === undefined) {
      throw new Error(`Cannot open the C library: ${String(lastError)}`);
    }
  }
  return library.symbols;
}

/** Reads errno of the calling thread; call it right after the failed call. */
export function lastErrno(): number {
  const pointer = libc().__errno_location();
  if (pointer === null) return 0;
  return new Deno.UnsafePointerView(pointer).getInt32();
}

/** Throws a {@linkcode SyscallError} when `result` is negative. */
export function check<T extends number | bigint>(
  syscall: string,
  result: T,
  detail?: string,
): T {
  if (result < 0) throw new SyscallError(syscall, lastErrno(), detail);
  return result;
}

/** Encodes a string as a NUL-terminated C string. */
export function cString(text: string): Uint8Array<ArrayBuffer> {
  const encoded = new TextEncoder().encode(text);
  const out = new Uint8Array(encoded.length + 1);
  out.set(encoded);
  return out;
}

/** Decodes a NUL-terminated C string from a fixed-size buffer. */
export function readCString(
  bytes: Uint8Array,
  offset = 0,
  max?: number,
): string {
  const end = max === undefined ? bytes.length : Math.min(bytes.length, offset + max);
  let stop = offset;
  while (stop < end && bytes[stop] !== 0) stop++;
  return new TextDecoder().decode(bytes.subarray(offset, stop));
}
