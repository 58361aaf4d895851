//! A byte trie over the pattern keys, walked from one position of the text to find every key that
//! starts there.
//!
//! The matcher needs only the keys that start at a word boundary, and the compound keys that end
//! where a word does, so instead of one Aho-Corasick pass that reports every occurrence (most of
//! them inside longer words, dropped at once) it walks a trie from the positions that can hold a
//! hit. A trie is built in one radix pass over the bytes of the keys, without the failure links
//! that made building the automaton most of the start-up.
//!
//! Nodes are laid out depth first: every subtree is one contiguous stretch of `nodes` (and of
//! `labels`), so a walk deep into a key reads nearby memory. Laid out breadth first, each step of
//! a walk was a cache miss: that load was a third of the matcher's time.

const NONE: u32 = u32::MAX;

/// Nodes with at least this many children find a child by a table lookup instead of a scan.
const DENSE_FROM: usize = 6;

#[derive(Clone, Copy, Debug)]
struct Node {
    /// Index of the first child; the children of a node are contiguous, ordered by byte.
    first: u32,
    /// Number of children.
    count: u32,
    /// The pattern whose key ends here, or `NONE`.
    pattern: u32,
    /// Row of `dense` that maps each byte class to the child, or `NONE` (few children: scan
    /// `labels`).
    dense: u32,
}

/// The compiled trie. Every key has at least two bytes (shorter ones are never added).
pub(crate) struct Trie {
    nodes: Vec<Node>,
    /// The byte on the edge into each node (apart from the nodes, so that finding a child reads
    /// a few contiguous bytes).
    labels: Vec<u8>,
    /// Child by byte class, `classes` entries per row, for nodes with many children.
    dense: Vec<u32>,
    /// Byte → its index among the bytes used by the keys, or `u8::MAX` (in no key).
    class: [u8; 256],
    /// Number of byte classes.
    classes: usize,
    /// The node reached by the first two bytes of a key, by `class(b0) * classes + class(b1)`.
    start: Vec<u32>,
}

impl Trie {
    /// Builds the trie of `keys`, where key `i` means pattern `ids[i]`. Keys must be distinct and
    /// at least two bytes long.
    pub(crate) fn build(keys: &[&[u8]], ids: &[u32]) -> Trie {
        assert_eq!(keys.len(), ids.len());
        let mut class = [u8::MAX; 256];
        let mut used = [false; 256];
        for k in keys {
            debug_assert!(k.len() >= 2, "keys have two bytes or more");
            for &b in *k {
                used[b as usize] = true;
            }
        }
        let mut classes = 0usize;
        for (b, u) in used.iter().enumerate() {
            if *u {
                // u8::MAX marks a byte that no key uses (normalised keys use 37 bytes).
                assert!(
                    classes < u8::MAX as usize,
                    "keys use too many distinct bytes"
                );
                class[b] = classes as u8;
                classes += 1;
            }
        }
        let mut t = Trie {
            nodes: vec![Node {
                first: 0,
                count: 0,
                pattern: NONE,
                dense: NONE,
            }],
            labels: vec![0],
            dense: Vec::new(),
            class,
            classes,
            start: vec![NONE; classes * classes],
        };
        // Depth first over groups of keys sharing a prefix (an MSD radix sort): all children of
        // a node are created together, so they are contiguous, and a node's subtree is created
        // before its next sibling's, so it lies next to it.
        let mut order: Vec<u32> = (0..keys.len() as u32).collect();
        let mut scratch: Vec<u32> = vec![0; keys.len()];
        // Keys per byte class at the current depth, class 0 for keys that end there.
        let mut counts = vec![0usize; classes + 1];
        let mut offsets = vec![0usize; classes + 1];
        // (node, first key in `order`, end, depth), the next to do last.
        let mut stack = vec![(0u32, 0usize, keys.len(), 0usize)];
        let mut children = Vec::new();
        while let Some((node, mut lo, hi, depth)) = stack.pop() {
            if lo == hi {
                continue; // no keys at all
            }
            if hi - lo == 1 {
                // One key left: a chain of single children.
                let k = keys[order[lo] as usize];
                let mut at = node as usize;
                for &b in &k[depth..] {
                    let child = t.push(b);
                    t.nodes[at].first = child;
                    t.nodes[at].count = 1;
                    at = child as usize;
                }
                t.nodes[at].pattern = ids[order[lo] as usize];
                continue;
            }
            let byte_at = |k: &[u8]| k.get(depth).map_or(0, |&b| class[b as usize] as usize + 1);
            let first_class = byte_at(keys[order[lo] as usize]);
            if first_class != 0
                && (lo + 1..hi).all(|i| byte_at(keys[order[i] as usize]) == first_class)
            {
                // All keys go on with the same byte.
                let child = t.push(keys[order[lo] as usize][depth]);
                t.nodes[node as usize].first = child;
                t.nodes[node as usize].count = 1;
                stack.push((child, lo, hi, depth + 1));
                continue;
            }
            counts.iter_mut().for_each(|c| *c = 0);
            for i in lo..hi {
                counts[byte_at(keys[order[i] as usize])] += 1;
            }
            let mut at = lo;
            for (o, c) in offsets.iter_mut().zip(&counts) {
                *o = at;
                at += c;
            }
            for i in lo..hi {
                let c = byte_at(keys[order[i] as usize]);
                scratch[offsets[c]] = order[i];
                offsets[c] += 1;
            }
            order[lo..hi].copy_from_slice(&scratch[lo..hi]);
            // Keys are distinct: at most one ends here.
            if counts[0] == 1 {
                t.nodes[node as usize].pattern = ids[order[lo] as usize];
                lo += 1;
            }
            let first = t.nodes.len() as u32;
            let mut count = 0;
            children.clear();
            for &keys_with_byte in counts[1..].iter().filter(|c| **c > 0) {
                let child = t.push(keys[order[lo] as usize][depth]);
                children.push((child, lo, lo + keys_with_byte, depth + 1));
                lo += keys_with_byte;
                count += 1;
            }
            // The first child's subtree is laid out first, right after the children.
            stack.extend(children.iter().rev());
            t.nodes[node as usize].first = first;
            t.nodes[node as usize].count = count;
            if count as usize >= DENSE_FROM {
                let row = t.dense.len() / classes;
                t.dense.resize(t.dense.len() + classes, NONE);
                for child in first..first + count {
                    let c = t.class[t.labels[child as usize] as usize] as usize;
                    t.dense[row * classes + c] = child;
                }
                t.nodes[node as usize].dense = row as u32;
            }
        }
        let root = t.nodes[0];
        for a in root.first..root.first + root.count {
            let na = t.nodes[a as usize];
            for b in na.first..na.first + na.count {
                let slot = t.class[t.labels[a as usize] as usize] as usize * classes
                    + t.class[t.labels[b as usize] as usize] as usize;
                t.start[slot] = b;
            }
        }
        t
    }

    fn push(&mut self, label: u8) -> u32 {
        self.nodes.push(Node {
            first: 0,
            count: 0,
            pattern: NONE,
            dense: NONE,
        });
        self.labels.push(label);
        (self.nodes.len() - 1) as u32
    }

    /// Follows `bytes` from the root and calls `found(length, pattern)` for every key that they
    /// start with, shortest first.
    pub(crate) fn walk(
        &self,
        mut bytes: impl Iterator<Item = u8>,
        mut found: impl FnMut(usize, u32),
    ) {
        let (Some(b0), Some(b1)) = (bytes.next(), bytes.next()) else {
            return;
        };
        let (c0, c1) = (self.class[b0 as usize], self.class[b1 as usize]);
        if c0 == u8::MAX || c1 == u8::MAX {
            return;
        }
        let mut n = self.start[c0 as usize * self.classes + c1 as usize];
        let mut len = 2;
        while n != NONE {
            let node = self.nodes[n as usize];
            if node.pattern != NONE {
                found(len, node.pattern);
            }
            let Some(b) = bytes.next() else {
                return;
            };
            n = if node.dense != NONE {
                let c = self.class[b as usize];
                if c == u8::MAX {
                    return;
                }
                self.dense[node.dense as usize * self.classes + c as usize]
            } else {
                let first = node.first as usize;
                let labels = &self.labels[first..first + node.count as usize];
                match labels.iter().position(|&l| l == b) {
                    Some(j) => (first + j) as u32,
                    None => return,
                }
            };
            len += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(t: &Trie, text: &str) -> Vec<(usize, usize, u32)> {
        let mut out = Vec::new();
        for s in 0..text.len() {
            t.walk(text[s..].bytes(), |len, p| out.push((s, s + len, p)));
        }
        out.sort();
        out
    }

    fn naive(keys: &[&str], text: &str) -> Vec<(usize, usize, u32)> {
        let mut out = Vec::new();
        for (id, k) in keys.iter().enumerate() {
            for s in 0..text.len() {
                if text[s..].starts_with(k) {
                    out.push((s, s + k.len(), id as u32));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn finds_every_key_at_every_start() {
        let mut keys = vec![
            "ara",
            "ara macao",
            "arara",
            "ma",
            "macao",
            "ca",
            "cao",
            "ao",
        ];
        // A node with many children (a table lookup) and chains.
        let many: Vec<String> = ('a'..='z').map(|c| format!("m{c}x")).collect();
        keys.extend(many.iter().map(String::as_str));
        let bytes: Vec<&[u8]> = keys.iter().map(|k| k.as_bytes()).collect();
        let ids: Vec<u32> = (0..keys.len() as u32).collect();
        let t = Trie::build(&bytes, &ids);
        for text in ["arara macao", "mqx mzx ma", "zz a", "", "a"] {
            assert_eq!(all(&t, text), naive(&keys, text), "{text}");
        }
    }

    #[test]
    fn empty_trie_finds_nothing() {
        let t = Trie::build(&[], &[]);
        assert!(all(&t, "anything").is_empty());
    }
}
