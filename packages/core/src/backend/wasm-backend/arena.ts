// The wasm backend's one linear memory, reused by every kernel call: operands are copied in,
// the kernel runs on byte offsets, results are copied out into the host buffers the caller
// handed over (issue 9's safe baseline: array data stays in GC-managed typed arrays, so
// nothing is ever freed by hand). The memory only grows; views are rebuilt after a grow.
import type { TypedArray } from "../../dtype.js";
import { newWasmMemory, type WasmMemory } from "../wasm/js-api.js";

const PAGE = 65536;
/** 2 GiB: the most a 32-bit memory can address safely from JS as unsigned offsets. */
const MAX_PAGES = 32768;

export class Arena {
  readonly memory: WasmMemory;
  #top = 0;
  #bytes: Uint8Array;

  constructor(initialPages = 16) {
    this.memory = newWasmMemory({ initial: initialPages, maximum: MAX_PAGES });
    this.#bytes = new Uint8Array(this.memory.buffer);
  }

  /** Forget every reservation (call at the start of each kernel call). */
  reset(): void {
    this.#top = 0;
  }

  /** Reserve `bytes` (16-byte aligned, for v128 loads) and return the byte offset. */
  reserve(bytes: number): number {
    const at = (this.#top + 15) & ~15;
    const end = at + bytes;
    if (end > this.memory.buffer.byteLength) {
      const pages = Math.ceil((end - this.memory.buffer.byteLength) / PAGE);
      this.memory.grow(pages);
      this.#bytes = new Uint8Array(this.memory.buffer);
    }
    this.#top = end;
    return at;
  }

  /** Copy a host array in; returns its byte offset. */
  copyIn(data: TypedArray): number {
    const at = this.reserve(data.byteLength);
    this.#bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    return at;
  }

  /** Copy `out.length` elements from byte offset `at` into the host array `out`. */
  copyOut(at: number, out: TypedArray): void {
    out.set(this.view(at, out) as never);
  }

  /** A typed view of the arena of `like`'s type and length at byte offset `at`. */
  view(at: number, like: TypedArray): TypedArray {
    const Ctor = like.constructor as new (buffer: ArrayBufferLike, offset: number, length: number) => TypedArray;
    return new Ctor(this.memory.buffer, at, like.length);
  }
}

let shared: Arena | undefined;
/** The process-wide arena every wasm kernel shares (kernels run one at a time). */
export const arena = (): Arena => (shared ??= new Arena());
