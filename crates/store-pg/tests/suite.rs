//! The store suite (`wildwatch_store::suite`) on PostgreSQL, each case in a fresh schema.

mod common;

wildwatch_store::store_suite!(run_on_postgres);

fn run_on_postgres(case: fn(&mut dyn wildwatch_store::Store)) {
    let Some(db) = common::TestDb::new() else {
        return;
    };
    let mut store = db.store();
    case(&mut store);
}

mod accounts {
    use super::common;

    wildwatch_store::accounts_suite!(run_on_postgres);

    fn run_on_postgres(case: fn(&mut dyn wildwatch_store::Accounts)) {
        let Some(db) = common::TestDb::new() else {
            return;
        };
        let mut store = db.store();
        case(&mut store);
    }
}

mod reviews {
    use super::common;

    wildwatch_store::reviews_suite!(run_on_postgres);

    fn run_on_postgres(case: fn(&mut dyn wildwatch_store::suite::ReviewStore)) {
        let Some(db) = common::TestDb::new() else {
            return;
        };
        let mut store = db.store();
        case(&mut store);
    }
}
