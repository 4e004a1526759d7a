// A ResultSink that holds results back so an implicit transaction can be retried invisibly:
// messages are queued until flush(); past a row bound it starts streaming (and the
// statement can no longer be retried). Used by the session's retry loops only.

import type { CopyInRequest, CopyOutRequest, FieldDescription, Notice, ResultSink, WireValue } from './api.js';

type Held =
  | { readonly k: 'desc'; readonly fields: readonly FieldDescription[] }
  | { readonly k: 'row'; readonly values: readonly WireValue[] }
  | { readonly k: 'done'; readonly tag: string }
  | { readonly k: 'notice'; readonly notice: Notice }
  | { readonly k: 'param'; readonly name: string; readonly value: string };

export class BufferingSink implements ResultSink {
  private held: Held[] = [];
  private rows = 0;
  /** True once anything reached the client. */
  streamed = false;

  constructor(
    private readonly inner: ResultSink,
    private readonly rowsMax: number,
  ) {}

  private hold(h: Held): void {
    if (this.streamed) {
      this.emit(h);
      return;
    }
    this.held.push(h);
    if (h.k === 'row' && ++this.rows > this.rowsMax) this.flush();
  }

  private emit(h: Held): void {
    switch (h.k) {
      case 'desc':
        return this.inner.rowDescription(h.fields);
      case 'row':
        return this.inner.dataRow(h.values);
      case 'done':
        return this.inner.commandComplete(h.tag);
      case 'notice':
        return this.inner.notice(h.notice);
      case 'param':
        return this.inner.parameterStatus(h.name, h.value);
    }
  }

  /** Sends everything held and passes later messages straight through. */
  flush(): void {
    const held = this.held;
    this.held = [];
    if (held.length > 0) this.streamed = true;
    for (const h of held) this.emit(h);
  }

  /** Forgets held messages (the attempt is being retried). */
  discard(): void {
    this.held = [];
    this.rows = 0;
  }

  rowDescription(fields: readonly FieldDescription[]): void {
    this.hold({ k: 'desc', fields });
  }
  dataRow(values: readonly WireValue[]): void {
    this.hold({ k: 'row', values });
  }
  commandComplete(tag: string): void {
    this.hold({ k: 'done', tag });
  }
  emptyQuery(): void {
    this.flush();
    this.inner.emptyQuery();
  }
  notice(notice: Notice): void {
    this.hold({ k: 'notice', notice });
  }
  parameterStatus(name: string, value: string): void {
    this.hold({ k: 'param', name, value });
  }
  copyIn(request: CopyInRequest): AsyncIterable<Buffer> {
    this.flush();
    this.streamed = true;
    return this.inner.copyIn(request);
  }
  copyOutStart(request: CopyOutRequest): void {
    this.flush();
    this.streamed = true;
    this.inner.copyOutStart(request);
  }
  copyData(data: Buffer | string): void {
    this.inner.copyData(data);
  }
  copyDone(): void {
    this.inner.copyDone();
  }
  drain(): Promise<void> {
    return this.streamed ? this.inner.drain() : Promise.resolve();
  }
}
