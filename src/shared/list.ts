// Doubly linked lists in the SAB (include/linux/list.h). A list head is two words (first, last);
// a node's links sit at linkBase + id * stride + {next, prev}; links hold id + 1, 0 = end.
// Callers hold the lock that protects the list; none of these operations is atomic.
import { NIL } from './layout.js';

export interface ListShape {
  linkBase: number;
  stride: number;
  next: number;
  prev: number;
}

export function listAddTail(w: Int32Array, s: ListShape, head: number, id: number): void {
  const a = s.linkBase + id * s.stride;
  const last = w[head + 1];
  w[a + s.next] = NIL;
  w[a + s.prev] = last;
  if (last === NIL) w[head] = id + 1;
  else w[s.linkBase + (last - 1) * s.stride + s.next] = id + 1;
  w[head + 1] = id + 1;
}

/** Inserts id just before the node before + 1 (list_add_tail(new, &before->entry)). */
export function listInsertBefore(w: Int32Array, s: ListShape, head: number, id: number, before: number): void {
  const a = s.linkBase + id * s.stride;
  const b = s.linkBase + (before - 1) * s.stride;
  const prev = w[b + s.prev];
  w[a + s.next] = before;
  w[a + s.prev] = prev;
  w[b + s.prev] = id + 1;
  if (prev === NIL) w[head] = id + 1;
  else w[s.linkBase + (prev - 1) * s.stride + s.next] = id + 1;
}

export function listDel(w: Int32Array, s: ListShape, head: number, id: number): void {
  const a = s.linkBase + id * s.stride;
  const next = w[a + s.next];
  const prev = w[a + s.prev];
  if (prev === NIL) w[head] = next;
  else w[s.linkBase + (prev - 1) * s.stride + s.next] = next;
  if (next === NIL) w[head + 1] = prev;
  else w[s.linkBase + (next - 1) * s.stride + s.prev] = prev;
  w[a + s.next] = NIL;
  w[a + s.prev] = NIL;
}

/** Removes and returns the first node's id, or -1 when empty. */
export function listPopFirst(w: Int32Array, s: ListShape, head: number): number {
  const first = w[head];
  if (first === NIL) return -1;
  listDel(w, s, head, first - 1);
  return first - 1;
}
