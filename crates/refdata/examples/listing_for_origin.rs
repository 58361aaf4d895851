//! Which part of a taxon's listing applies to an ad text's stated origin.
//!
//! `cargo run -p wildwatch-refdata --example listing_for_origin -- "Struthio camelus" "Straußenleder aus Südafrika, Farmzucht"`
use wildwatch_refdata::{Origin, RefData};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [name, text] = args.as_slice() else {
        eprintln!("usage: listing_for_origin NAME TEXT");
        std::process::exit(2);
    };
    let data = RefData::shipped().expect("shipped reference data loads");
    let ids = data.lookup(name);
    if ids.is_empty() {
        eprintln!("no taxon is called `{name}`");
        std::process::exit(1);
    }
    for id in ids {
        let found = data.origins_for(id, text);
        for (origin, span) in &found {
            println!("origin: {origin:?} ({:?})", &text[span.clone()]);
        }
        let origins: Vec<Origin> = found.into_iter().map(|(o, _)| o).collect();
        println!("{:#?}", data.taxon(id).listing_for_origins(&origins));
    }
}
