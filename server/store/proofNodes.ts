/**
 * A member's Merkle proof as the stores keep it: the sibling nodes' 32 bytes each, one after
 * another. As JSON the anchoring's proof block was about 1 KB, which pushed a row of a 3 KB document
 * past SQLite's page into an overflow page: writing it cost three times as much as these 320 bytes
 * (depth 10). The rest of the block (root, leaf, index, chain, ledger, transaction) is the batch's
 * or the row's already.
 */
const NODE_BYTES = 32;
const NODE_HEX = /^0x[0-9a-f]{64}$/;

export function encodeProofNodes(nodes: readonly string[]): Buffer {
  const bytes = Buffer.allocUnsafe(nodes.length * NODE_BYTES);
  nodes.forEach((node, i) => {
    if (!NODE_HEX.test(node)) throw new TypeError(`proof node ${i} is not a lowercase 0x-prefixed bytes32`);
    bytes.write(node.slice(2), i * NODE_BYTES, "hex");
  });
  return bytes;
}

export function decodeProofNodes(bytes: Uint8Array): string[] {
  if (bytes.byteLength % NODE_BYTES !== 0) throw new TypeError(`a stored proof of ${bytes.byteLength} bytes`);
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nodes: string[] = [];
  for (let offset = 0; offset < view.length; offset += NODE_BYTES) {
    nodes.push(`0x${view.toString("hex", offset, offset + NODE_BYTES)}`);
  }
  return nodes;
}
