//! The report fetcher: takes public reports one by one, fetches each URL through a fetcher that
//! refuses loopback and private addresses (unless configured as test hosts), archives the answer
//! to WARC, reads and scans the ad like a crawled one, and stores it in the `public-reports`
//! campaign.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use wildwatch_crawl::extract::{self, PageClass};
use wildwatch_crawl::fetch::{FetchConfig, Fetched, Fetcher};
use wildwatch_detect::Detector;
use wildwatch_store::{AppStore, FetchCommit, FetchState, StoreError};
use wildwatch_warc::WarcWriter;

use crate::{db, Shared};

/// The campaign reported ads are stored in.
pub const CAMPAIGN: &str = "public-reports";

/// Runs forever: handles queued reports, then waits for the next.
pub async fn run(st: Shared) {
    let mut worker = match Worker::new(&st) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("report fetcher not started: {e}");
            return;
        }
    };
    loop {
        match worker.process_one(&st).await {
            Ok(true) => continue,
            Ok(false) => {
                let _ =
                    tokio::time::timeout(Duration::from_secs(30), st.report_wake.notified()).await;
            }
            Err(e) => {
                eprintln!("report fetcher: {e}");
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    }
}

/// The report fetcher's tools: a guarded fetcher and the WARC writer for reports.
pub struct Worker {
    fetcher: Fetcher,
    warc: Arc<Mutex<Option<WarcWriter>>>,
}

impl Worker {
    /// A worker for this app.
    pub fn new(st: &Shared) -> anyhow::Result<Worker> {
        let fetcher = Fetcher::new(FetchConfig {
            // One page a person pointed at, fetched once, as their browser would.
            obey_robots: false,
            allow_private: false,
            allow_hosts: st.cfg.allow_report_hosts.clone(),
            timeout: Duration::from_secs(20),
            ..FetchConfig::default()
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(Worker {
            fetcher,
            warc: Arc::new(Mutex::new(None)),
        })
    }

    /// Handles the oldest queued report; false when there was none.
    pub async fn process_one(&mut self, st: &Shared) -> anyhow::Result<bool> {
        let next = db(st, |s| s.take_report())
            .await
            .map_err(|e| anyhow::anyhow!(e.message))?;
        let Some((id, url)) = next else {
            return Ok(false);
        };
        let (res, _) = self.fetcher.fetch(&url).await;
        let f = match res {
            Ok(f) => f,
            Err(e) => {
                let msg = e.to_string();
                db(st, move |s| s.finish_report(id, "failed", None, Some(&msg)))
                    .await
                    .map_err(|e| anyhow::anyhow!(e.message))?;
                crate::service::figures_changed(st);
                return Ok(true);
            }
        };
        let det = st.detector().await?;
        let evidence = st.cfg.evidence.clone();
        let warc = self.warc.clone();
        db(st, move |s| {
            let (status, ad_id, error) = handle(s, &evidence, &warc, &det, &url, &f)?;
            s.finish_report(id, status, ad_id, error.as_deref())
        })
        .await
        .map_err(|e| anyhow::anyhow!(e.message))?;
        crate::service::figures_changed(st);
        Ok(true)
    }
}

type Handled = (&'static str, Option<i64>, Option<String>);

fn handle(
    s: &mut dyn AppStore,
    evidence: &std::path::Path,
    warc: &Mutex<Option<WarcWriter>>,
    det: &Detector,
    url: &str,
    f: &Fetched,
) -> Result<Handled, StoreError> {
    let class = extract::classify(&f.text);
    let gone = class == PageClass::Gone || matches!(f.status, 404 | 410);
    let blocked = matches!(class, PageClass::Blocked(_));
    let kind = if blocked {
        "blocked"
    } else if gone {
        "gone"
    } else {
        "ad"
    };
    let page = {
        let mut w = warc.lock().unwrap_or_else(|e| e.into_inner());
        if w.is_none() {
            let opened = std::fs::create_dir_all(evidence)
                .and_then(|_| WarcWriter::open(evidence, "reports", 100_000_000));
            match opened {
                Ok(x) => *w = Some(x),
                Err(e) => {
                    return Ok((
                        "failed",
                        None,
                        Some(format!("cannot open the WARC file: {e}")),
                    ))
                }
            }
        }
        let Some(writer) = w.as_mut() else {
            return Ok(("failed", None, Some("no WARC writer".into())));
        };
        let p = wildwatch_crawl::archive(writer, f, kind);
        if let Err(e) = writer.flush() {
            return Ok((
                "failed",
                None,
                Some(format!("cannot write the WARC file: {e}")),
            ));
        }
        p
    };
    let Some(page) = page else {
        return Ok(("failed", None, Some("could not archive the page".into())));
    };
    let cid = s.campaign(
        CAMPAIGN,
        &serde_json::json!({"source": "public report form"}),
    )?;
    let commit = |state, ad| FetchCommit {
        campaign: cid,
        url: url.to_string(),
        state,
        page: Some(page.clone()),
        ad,
        discovered: vec![],
    };
    if blocked {
        s.commit_fetch(&commit(FetchState::Blocked, None))?;
        return Ok((
            "failed",
            None,
            Some("the site answered with an anti-bot or login page".into()),
        ));
    }
    if gone {
        s.commit_fetch(&commit(FetchState::Gone, None))?;
        return Ok(("failed", None, Some("the ad is no longer available".into())));
    }
    if f.status >= 400 {
        s.commit_fetch(&commit(FetchState::Failed, None))?;
        return Ok((
            "failed",
            None,
            Some(format!("the site answered HTTP {}", f.status)),
        ));
    }
    let adapter = wildwatch_crawl::adapter_for(s, &f.final_url, "reported");
    let ad = extract::extract_ad(&f.text, &f.final_url, &adapter);
    if ad.title.trim().is_empty() && ad.description.trim().is_empty() {
        s.commit_fetch(&commit(FetchState::Failed, None))?;
        return Ok(("failed", None, Some("no ad text found on the page".into())));
    }
    let d = wildwatch_crawl::detect(det, &ad);
    let r = s.commit_fetch(&commit(FetchState::Done, Some((ad, d))))?;
    Ok(("done", r.ad_id, None))
}
