//! `wildwatch serve`, `wildwatch user …`, `wildwatch review …`.

use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use wildwatch_store::AppStore;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use wildwatch_detect::Detector;
use wildwatch_refdata::RefData;
use wildwatch_web::{AppState, ServeConfig};

/// `wildwatch serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Address of the web app and API.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Address of the archive origin (archived pages, sandboxed; default: the app's port + 1).
    #[arg(long)]
    pub archive_addr: Option<SocketAddr>,
    /// Allow public reports to point at this loopback/private `host:port` (tests, the fixture
    /// marketplace). Repeatable. Everything else that is not a public address is refused.
    #[arg(long = "allow-report-host")]
    pub allow_report_hosts: Vec<String>,
    /// Public reports accepted per client address per hour.
    #[arg(long, default_value_t = 30)]
    pub reports_per_hour: u32,
    /// Login attempts per client address (and per user name) per minute.
    #[arg(long, default_value_t = 10)]
    pub logins_per_minute: u32,
    /// Send cookies without the `Secure` flag (only behind plain HTTP on a non-local address).
    #[arg(long)]
    pub insecure_cookies: bool,
    /// Do not fetch reported URLs (they stay queued).
    #[arg(long)]
    pub no_fetch: bool,
    /// Retrain the relevance model in the background after every N reviews saved in the app or
    /// the API, into the data directory's model/, then detect the unreviewed ads again with it
    /// (0: never; never either when `--model` or `--no-model` is given).
    #[arg(long, default_value_t = 50)]
    pub retrain_every: usize,
    /// The store (the global `--db` / `WILDWATCH_DB`): PostgreSQL (`postgres://…`) or an SQLite
    /// file; without it, `wildwatch.db` in the data directory.
    #[arg(from_global)]
    pub db: Option<String>,
}

/// `wildwatch user …`.
#[derive(Subcommand)]
pub enum UserCommand {
    /// Adds a user (the first one should be an admin). The password is asked for on a
    /// terminal, else read from the first line of standard input.
    Add {
        /// User name.
        name: String,
        /// admin, analyst, enforcement or viewer.
        #[arg(long, default_value = "analyst")]
        role: String,
    },
    /// Lists users.
    List,
    /// Creates an API token for a user and prints it (once).
    Token {
        /// User name.
        name: String,
        /// What the token is for.
        #[arg(long, default_value = "script")]
        label: String,
    },
}

/// `wildwatch review …`.
#[derive(Subcommand)]
pub enum ReviewCommand {
    /// Writes the reviewed ads as a labelled corpus (the format `wildwatch eval` reads).
    Export {
        /// Output file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub type Factory = Arc<dyn Fn() -> Result<Detector> + Send + Sync>;

/// Runs the web app. `retrain` is false when `--model` or `--no-model` chose the model: the app
/// then never writes the data directory's model.
pub fn serve(
    data: &Path,
    a: &ServeArgs,
    refdata: RefData,
    factory: Factory,
    retrain: bool,
) -> Result<()> {
    std::fs::create_dir_all(data)
        .with_context(|| format!("cannot create the data directory {}", data.display()))?;
    let mut cfg = serve_config(data, a.db.as_deref());
    cfg.addr = a.addr;
    cfg.archive_addr = a.archive_addr.unwrap_or_else(|| {
        let mut x = a.addr;
        x.set_port(a.addr.port().wrapping_add(1));
        x
    });
    if cfg.archive_addr == cfg.addr {
        bail!(
            "the archive address must differ from the app's ({})",
            cfg.addr
        );
    }
    cfg.allow_report_hosts = a.allow_report_hosts.clone();
    cfg.reports_per_hour = a.reports_per_hour;
    cfg.logins_per_minute = a.logins_per_minute;
    cfg.secure_cookies = !a.insecure_cookies;
    cfg.fetch_reports = !a.no_fetch;
    cfg.retrain_every = (retrain && a.retrain_every > 0).then_some(a.retrain_every);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let st = AppState::new(cfg.clone(), refdata, factory)?;
    let users = wildwatch_web::open_store(&cfg.db)?.user_count()?;
    eprintln!(
        "wildwatch serving http://{} (archived pages on http://{}, store {}); Ctrl-C stops",
        cfg.addr,
        cfg.archive_addr,
        cfg.db_display()
    );
    if users == 0 && cfg.is_postgres() {
        eprintln!(
            "no user yet in {}: add the first admin to an SQLite store with `wildwatch user add \
             NAME --role admin`, then `wildwatch db copy` it into PostgreSQL",
            cfg.db_display()
        );
    } else if users == 0 {
        eprintln!(
            "no user yet: create the first admin with `wildwatch --data {} user add NAME --role admin`",
            data.display()
        );
    }
    rt.block_on(wildwatch_web::serve(st))
}

/// The app's store: the one `--db` names (PostgreSQL, or an SQLite file), with notices, keys and
/// the model in the data directory; else `wildwatch.db` in the data directory, as always.
fn serve_config(data: &Path, db: Option<&str>) -> ServeConfig {
    match db.map(str::trim).filter(|d| !d.is_empty()) {
        Some(db) => ServeConfig::with_store(db, data.to_path_buf(), data.join("evidence")),
        None => ServeConfig::new(data.join("wildwatch.db"), data.join("evidence")),
    }
}

fn read_password() -> Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let p1 = rpassword::prompt_password("Password (10 characters or more): ")?;
        let p2 = rpassword::prompt_password("Again: ")?;
        if p1 != p2 {
            bail!("the two passwords differ");
        }
        Ok(p1)
    } else {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

/// `wildwatch user …` on the store `db` names (PostgreSQL or an SQLite file), else on
/// `wildwatch.db` in the data directory.
pub fn user_on(data: &Path, db: Option<&str>, cmd: &UserCommand) -> Result<()> {
    let mut store: Box<dyn AppStore> = match db.map(str::trim).filter(|d| !d.is_empty()) {
        Some(db) => wildwatch_web::open_store(db)?,
        None => {
            std::fs::create_dir_all(data)?;
            Box::new(wildwatch_store::SqliteStore::open(
                &data.join("wildwatch.db"),
            )?)
        }
    };
    match cmd {
        UserCommand::Add { name, role } => {
            let role = wildwatch_web::auth::check_new_user(name, role)
                .map_err(|e| anyhow::anyhow!(e.message))?;
            let pw = read_password()?;
            let hash = wildwatch_web::auth::hash_password(&pw).map_err(|e| anyhow::anyhow!(e))?;
            store.add_user(name.trim(), &hash, role)?;
            store.audit(
                "cli",
                "user.add",
                None,
                &serde_json::json!({"user": name, "role": role.as_str()}),
            )?;
            println!("added {} ({})", name.trim(), role.as_str());
        }
        UserCommand::List => {
            for u in store.users()? {
                println!(
                    "{}\t{}\t{}",
                    u.username,
                    u.role.as_str(),
                    if u.disabled { "disabled" } else { "active" }
                );
            }
        }
        UserCommand::Token { name, label } => {
            let Some((u, _)) = store.user_by_name(name)? else {
                bail!("no user named `{name}`");
            };
            let token = format!("ww_{}", wildwatch_web::util::random_hex(24));
            store.create_api_token(u.id, label, &wildwatch_web::util::sha256_hex(&token))?;
            println!("{token}");
            std::io::stdout().flush()?;
        }
    }
    Ok(())
}

/// `wildwatch review …` on the store `db` names (PostgreSQL or an SQLite file), else on
/// `wildwatch.db` in the data directory.
pub fn review_on(
    data: &Path,
    db: Option<&str>,
    cmd: &ReviewCommand,
    refdata: RefData,
    factory: Factory,
) -> Result<()> {
    match cmd {
        ReviewCommand::Export { out } => {
            let cfg = serve_config(data, db);
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let st = AppState::new(cfg, refdata, factory)?;
            let text = rt
                .block_on(wildwatch_web::service::export_corpus(&st))
                .map_err(|e| anyhow::anyhow!(e.message))?;
            match out {
                Some(p) => std::fs::write(p, &text)
                    .with_context(|| format!("cannot write {}", p.display()))?,
                None => print!("{text}"),
            }
            eprintln!("{} reviewed ads exported", text.lines().count());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// `--db` as `main.rs` declares it: global, before or after the subcommand.
    #[derive(Parser)]
    struct Top {
        #[arg(long, global = true)]
        db: Option<String>,
        #[command(subcommand)]
        command: Sub,
    }

    #[derive(Subcommand)]
    enum Sub {
        Serve(ServeArgs),
    }

    fn serve_args(argv: &[&str]) -> ServeArgs {
        match Top::parse_from(argv).command {
            Sub::Serve(a) => a,
        }
    }

    #[test]
    fn serve_takes_the_global_db_and_keeps_the_data_directory() {
        let url = "postgres://ww:secret@db.example/wildwatch";
        for argv in [
            &["wildwatch", "--db", url, "serve"][..],
            &["wildwatch", "serve", "--db", url],
        ] {
            let a = serve_args(argv);
            assert_eq!(a.db.as_deref(), Some(url));
            let cfg = serve_config(Path::new("/srv/ww"), a.db.as_deref());
            assert!(cfg.is_postgres());
            assert_eq!(cfg.db, url);
            assert_eq!(cfg.db_display(), "postgres://ww:***@db.example/wildwatch");
            assert_eq!(cfg.data, Path::new("/srv/ww"));
            assert_eq!(cfg.model_dir, Path::new("/srv/ww/model"));
            assert_eq!(cfg.evidence, Path::new("/srv/ww/evidence"));
        }
        // Without --db: wildwatch.db in the data directory, as always.
        let a = serve_args(&["wildwatch", "serve"]);
        let cfg = serve_config(Path::new("/srv/ww"), a.db.as_deref());
        assert!(!cfg.is_postgres());
        assert_eq!(cfg.db, "/srv/ww/wildwatch.db");
        assert_eq!(cfg.model_dir, Path::new("/srv/ww/model"));
    }
}
