//! Near-identical photos: 64-bit perceptual hashes compared by Hamming distance, with candidate
//! pairs found by the pigeonhole principle (two hashes at most `k` bits apart agree exactly on at
//! least one of `k + 1` blocks), so only hashes that share a block value are compared.

use std::collections::HashMap;

fn blocks(k: u32) -> Vec<(u32, u32)> {
    let n = (k + 1).min(64);
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..n {
        let len = (64 - start) / (n - i);
        out.push((start, len));
        start += len;
    }
    out
}

fn block(h: u64, (start, len): (u32, u32)) -> u64 {
    if len >= 64 {
        h
    } else {
        (h >> start) & ((1u64 << len) - 1)
    }
}

/// Calls `f(i, j, distance)` for pairs of entries (by index into `hashes`) whose hashes are at
/// most `k` bits apart: every entry with a near one gets at least one pair (to the nearest earlier
/// entry in a shared block), so groups of near-identical pictures are joined with a number of
/// pairs linear in the entries. Entries with identical hashes are reported against the first
/// entry of their group (enough to link them all).
pub fn near_pairs(hashes: &[(u64, usize)], k: u32, mut f: impl FnMut(usize, usize, u32)) {
    // Exact duplicates first: one representative per distinct hash.
    let mut first: HashMap<u64, usize> = HashMap::new();
    let mut reps: Vec<usize> = Vec::new();
    for (i, (h, _)) in hashes.iter().enumerate() {
        match first.get(h) {
            Some(&r) => f(r, i, 0),
            None => {
                first.insert(*h, i);
                reps.push(i);
            }
        }
    }
    let bl = blocks(k);
    for (bi, &b) in bl.iter().enumerate() {
        let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
        for &r in &reps {
            buckets.entry(block(hashes[r].0, b)).or_default().push(r);
        }
        for members in buckets.values() {
            // Large buckets: compare with a bounded number of earlier members, so the work stays
            // linear when many pictures look alike.
            for (x, &i) in members.iter().enumerate() {
                let lo = x.saturating_sub(256);
                for &j in members[lo..x].iter().rev() {
                    let (hi, hj) = (hashes[i].0, hashes[j].0);
                    let d = (hi ^ hj).count_ones();
                    if d == 0 || d > k {
                        continue;
                    }
                    // Report each pair once: in the first block on which it agrees.
                    if bl[..bi].iter().any(|&pb| block(hi, pb) == block(hj, pb)) {
                        continue;
                    }
                    f(j, i, d);
                    // One earlier match is enough to join the picture's group.
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_exactly_the_near_pairs() {
        let mut hs: Vec<(u64, usize)> = Vec::new();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            hs.push((x, i));
        }
        // Near copies of the first ten: 1..=4 bits flipped; one 6 bits away (not near).
        for i in 0..10 {
            let flips = (i % 4) + 1;
            let mut h = hs[i].0;
            for b in 0..flips {
                h ^= 1 << (b * 13 + i);
            }
            hs.push((h, 5000 + i));
        }
        hs.push((hs[0].0 ^ 0b111111, 9000));
        hs.push((hs[1].0, 9001));
        let mut got = Vec::new();
        near_pairs(&hs, 4, |i, j, d| {
            got.push((hs[i].1.min(hs[j].1), hs[i].1.max(hs[j].1), d))
        });
        got.sort();
        let mut brute = Vec::new();
        for i in 0..hs.len() {
            for j in i + 1..hs.len() {
                let d = (hs[i].0 ^ hs[j].0).count_ones();
                // 9001 duplicates 1: it is reported against 1 only.
                let dup = (hs[i].1 == 9001 || hs[j].1 == 9001) && d != 0;
                if d <= 4 && !dup {
                    brute.push((hs[i].1.min(hs[j].1), hs[i].1.max(hs[j].1), d));
                }
            }
        }
        brute.sort();
        assert_eq!(got, brute);
        assert!(got.contains(&(1, 9001, 0)));
        assert!(!got.iter().any(|p| p.1 == 9000));
    }
}
