//! `import` of CSV files: the strict row reader (`crates/cli/src/collect/import_csv.rs`,
//! included as it is) on arbitrary bytes. Any panic or hang is a bug, and so is a good row with
//! another number of fields than the header, or a row reported before the one it follows.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../crates/cli/src/collect/import_csv.rs"]
mod import_csv;

use import_csv::{CsvRows, Item};

fuzz_target!(|data: &[u8]| {
    let Ok(rows) = CsvRows::new(data) else {
        return;
    };
    let columns = rows.header().len();
    let mut last = 0;
    for item in rows {
        let line = match item {
            Ok(Item::Row(r)) => {
                assert_eq!(
                    r.fields.len(),
                    columns,
                    "a good row has one field per column"
                );
                r.line
            }
            Ok(Item::Bad { line, .. }) => line,
            Err(_) => break,
        };
        // Lines never go back (lone CR line ends do not count as lines, as in the csv crate).
        assert!(line >= last, "line {line} after line {last}");
        last = line;
    }
});
