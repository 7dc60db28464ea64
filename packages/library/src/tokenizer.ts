import fs from "node:fs";
import { AbstractTokenizer, EndOfStreamError, type IReadChunkOptions } from "strtok3";

// music-metadata's own file tokenizer issues one positional read per token: a dozen or more
// reads through the libuv thread pool for each file, which is what caps parseFile near 1,000
// files/s here. This one reads the file in windows of WINDOW bytes (the whole file, when it is
// small) and serves the tokens from memory; ignore() still skips audio data without reading it.
// It extends strtok3's AbstractTokenizer (the version music-metadata uses) so the parsers see the
// EndOfStreamError class they test for.

const WINDOW = 64 * 1024;

interface Window {
  start: number;
  bytes: Buffer;
}

function read(
  fd: number,
  target: Uint8Array,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, target, offset, length, position, (error, bytesRead) =>
      error ? reject(error) : resolve(bytesRead),
    );
  });
}

function close(fd: number): Promise<void> {
  return new Promise((resolve) => fs.close(fd, () => resolve()));
}

function open(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.open(file, "r", (error, fd) => (error ? reject(error) : resolve(fd)));
  });
}

export class WindowedFileTokenizer extends AbstractTokenizer {
  override fileInfo: { path: string; size: number; mimeType?: string };
  /** The two most recently read windows: parsers alternate between the head and the tail. */
  private windows: Window[] = [];

  private constructor(
    private readonly fd: number,
    file: string,
    size: number,
  ) {
    super();
    this.fileInfo = { path: file, size };
  }

  /** Opens `file` and reads its first window. `size` is the size the caller just stat'ed. */
  static async open(file: string, size: number): Promise<WindowedFileTokenizer> {
    const fd = await open(file);
    const tokenizer = new WindowedFileTokenizer(fd, file, size);
    try {
      await tokenizer.load(0, Math.min(size, WINDOW));
    } catch (error) {
      await close(fd);
      throw error;
    }
    return tokenizer;
  }

  supportsRandomAccess(): boolean {
    return true;
  }

  setPosition(position: number): void {
    this.validateLength(position, "position");
    this.position = position;
  }

  async readBuffer(target: Uint8Array, options?: IReadChunkOptions): Promise<number> {
    const o = this.normalizeOptions(target, options);
    this.position = o.position;
    const n = await this.fill(target, o.length, o.position, o.mayBeLess === true);
    this.position += n;
    return n;
  }

  async peekBuffer(target: Uint8Array, options?: IReadChunkOptions): Promise<number> {
    const o = this.normalizeOptions(target, options);
    return this.fill(target, o.length, o.position, o.mayBeLess === true);
  }

  protected override async closeOnce(): Promise<void> {
    await close(this.fd);
    await super.closeOnce();
  }

  private async fill(
    target: Uint8Array,
    length: number,
    position: number,
    mayBeLess: boolean,
  ): Promise<number> {
    const available = Math.max(0, Math.min(length, this.fileInfo.size - position));
    let n: number;
    if (available === 0) {
      n = 0;
    } else if (available > WINDOW) {
      // Large blocks (a tag with a big cover, say) go straight into the caller's buffer.
      n = 0;
      while (n < available) {
        const got = await read(this.fd, target, n, available - n, position + n);
        if (got === 0) break;
        n += got;
      }
    } else {
      let window = this.windows.find(
        (w) => position >= w.start && position + available <= w.start + w.bytes.length,
      );
      if (!window) {
        // Start the window a little before the request: parsers often peek back a few bytes.
        const start = Math.max(0, Math.min(position - 256, this.fileInfo.size - WINDOW));
        window = await this.load(start, Math.min(WINDOW, this.fileInfo.size - start));
      }
      const from = position - window.start;
      n = Math.max(0, Math.min(available, window.bytes.length - from));
      window.bytes.copy(target, 0, from, from + n);
    }
    if (!mayBeLess && n < length) throw new EndOfStreamError();
    return n;
  }

  private async load(start: number, length: number): Promise<Window> {
    const bytes = Buffer.allocUnsafe(length);
    let n = 0;
    while (n < length) {
      const got = await read(this.fd, bytes, n, length - n, start + n);
      if (got === 0) break; // the file shrank since it was stat'ed
      n += got;
    }
    const window = { start, bytes: n < length ? bytes.subarray(0, n) : bytes };
    this.windows = [window, ...this.windows].slice(0, 2);
    return window;
  }
}
