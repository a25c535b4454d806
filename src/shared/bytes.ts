/** Big-endian u32 length followed by the bytes: how every authenticated variable field is framed. */
export function lengthPrefixed(field: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + field.length);
  out.writeUInt32BE(field.length, 0);
  out.set(field, 4);
  return out;
}

/** A big-endian unsigned 32-bit integer. */
export function u32(value: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(value, 0);
  return out;
}

export function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}
