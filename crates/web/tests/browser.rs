//! The app as a person uses it, in a real browser: headless Chromium driven through
//! chromedriver (WebDriver), against the app and its archive origin served in-process on loopback
//! ports, with a seeded store that holds hostile ads and a hostile archived page.
//!
//! An analyst logs in (after one wrong password), looks at the dashboard, pages through the ads,
//! opens the filters and keeps the high-risk ads, opens the ad whose title is a script (it must
//! show as text, and the archived page's script must not reach the app), corrects the review,
//! finds it again with the review filter, looks at the pages at phone width and logs out; then,
//! signed out, sends a public report and has one of a loopback address refused.
//!
//! Screenshots of the main pages go to `docs/screenshots/` with `WILDWATCH_SCREENSHOTS=1`, else
//! to a temporary folder. Without Chromium and chromedriver the test says why and passes, unless
//! `WILDWATCH_REQUIRE_BROWSER=1` (CI) makes it fail. `WILDWATCH_CHROMIUM` and
//! `WILDWATCH_CHROMEDRIVER` name other binaries than Debian's.
//!
//! Chromium is kept off the network: every host name resolves to nothing (only literal loopback
//! addresses are visited) and its background services are switched off.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use common::{world_n, Backend, XSS_SELLER, XSS_TITLE};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

const PASSWORD: &str = "correct horse battery";
/// Ads in the store: more than one page of 50; every third is high risk.
const ADS: usize = 60;
const HIGH: usize = ADS.div_ceil(3);
/// How long one element may take to appear.
const WAIT: Duration = Duration::from_secs(15);
/// A laptop screen (CSS pixels).
const DESKTOP: (u32, u32) = (1280, 800);
/// A phone (CSS pixels).
const PHONE: (u32, u32) = (390, 844);

fn env_on(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

fn binary(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default))
}

/// chromedriver as a child process, killed when dropped (also while a panic unwinds).
struct Driver {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start(bin: &Path, dir: &Path) -> Result<Driver> {
        let log = dir.join("chromedriver.log");
        for _ in 0..3 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")?
                .local_addr()?
                .port();
            // Without --allowed-ips, chromedriver listens on loopback only.
            let child = Command::new(bin)
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .with_context(|| format!("cannot start {}", bin.display()))?;
            // From here on, dropping `d` kills chromedriver.
            let mut d = Driver {
                child,
                port,
                log: log.clone(),
            };
            let t = Instant::now();
            while t.elapsed() < Duration::from_secs(20) {
                if let Ok(Some(status)) = d.child.try_wait() {
                    // Most likely the port was taken in between: try another.
                    eprintln!("chromedriver exited at once ({status}); trying another port");
                    break;
                }
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Ok(d);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        bail!("chromedriver did not start listening")
    }

    fn log_tail(&self) -> String {
        let s = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = s.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

async fn connect(driver: &Driver, chromium: &Path, profile: &Path) -> Result<Client> {
    let args = vec![
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        format!("--window-size={},{}", DESKTOP.0, DESKTOP.1),
        format!("--user-data-dir={}", profile.display()),
        // Nothing but literal loopback addresses: no host name resolves, no background traffic.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-domain-reliability".into(),
        "--disable-sync".into(),
        "--disable-extensions".into(),
        "--disable-default-apps".into(),
        "--no-first-run".into(),
        "--no-default-browser-check".into(),
        "--no-pings".into(),
        "--metrics-recording-only".into(),
        "--disable-features=Translate,OptimizationHints,MediaRouter,DnsOverHttps,AutofillServerCommunication".into(),
        "--hide-scrollbars".into(),
        "--force-device-scale-factor=1".into(),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "binary": chromium.display().to_string(), "args": args }),
    );
    caps.insert("pageLoadStrategy".into(), "normal".into());
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let c = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .with_context(|| {
            format!(
                "cannot open a Chromium session; chromedriver log:\n{}",
                driver.log_tail()
            )
        })?;
    Ok(c)
}

/// Waits for an element.
async fn el(c: &Client, css: &str) -> Result<Element> {
    match c.wait().at_most(WAIT).for_element(Locator::Css(css)).await {
        Ok(e) => Ok(e),
        Err(e) => bail!("no `{css}` on {}: {e}", url_of(c).await),
    }
}

async fn text(c: &Client, css: &str) -> Result<String> {
    Ok(el(c, css).await?.text().await?)
}

async fn url_of(c: &Client) -> String {
    c.current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_else(|e| format!("(no url: {e})"))
}

/// Waits until the address bar shows `path` (and, if given, a query containing `query`).
async fn wait_path(c: &Client, path: &str, query: Option<&str>) -> Result<url::Url> {
    let t = Instant::now();
    loop {
        let u = c.current_url().await?;
        if u.path() == path && query.is_none_or(|q| u.query().unwrap_or("").contains(q)) {
            return Ok(u);
        }
        if t.elapsed() > WAIT {
            bail!("expected to be at {path} ({query:?}), still at {u}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn rows(c: &Client) -> Result<Vec<Element>> {
    Ok(c.find_all(Locator::Css("#ads-table tbody tr")).await?)
}

/// No alert box may be open (an injected `alert(...)` would have opened one).
async fn no_alert(c: &Client, when: &str) -> Result<()> {
    if let Ok(t) = c.get_alert_text().await {
        bail!("an alert opened {when}: {t:?}");
    }
    Ok(())
}

/// The page is no wider than the window (nothing makes a phone scroll sideways).
async fn no_sideways_scroll(c: &Client, what: &str) -> Result<()> {
    let v = c
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .context("execute (WebDriver script) failed")?;
    let (sw, iw) = (v[0].as_f64().unwrap_or(0.0), v[1].as_f64().unwrap_or(0.0));
    ensure!(iw > 0.0, "no window width for {what}: {v}");
    ensure!(
        sw <= iw,
        "{what} is {sw}px wide in a {iw}px window: it scrolls sideways"
    );
    Ok(())
}

/// Saves a PNG of the page; `full` makes the window as tall as the page first.
async fn shot(c: &Client, dir: &Path, name: &str, full: bool) -> Result<()> {
    let (w, h) = c.get_window_size().await?;
    if full {
        let v = c
            .execute(
                "return [document.documentElement.scrollHeight, window.innerHeight];",
                vec![],
            )
            .await?;
        let (sh, ih) = (v[0].as_u64().unwrap_or(h), v[1].as_u64().unwrap_or(h));
        let tall = (h - ih.min(h) + sh).clamp(h, 4000);
        c.set_window_size(w as u32, tall as u32).await?;
    }
    let png = c.screenshot().await?;
    if full {
        c.set_window_size(w as u32, h as u32).await?;
    }
    ensure!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 2000,
        "{name}: not a PNG screenshot ({} bytes)",
        png.len()
    );
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, &png).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("screenshot {}", path.display());
    Ok(())
}

/// Sizes the window so that the page gets `size` CSS pixels (a window is larger than its page).
async fn set_viewport(c: &Client, size: (u32, u32)) -> Result<()> {
    c.set_window_size(size.0, size.1).await?;
    let v = c
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await?;
    let (iw, ih) = (v[0].as_u64().unwrap_or(0), v[1].as_u64().unwrap_or(0));
    let (ww, wh) = c.get_window_size().await?;
    let w = ww + (size.0 as u64).saturating_sub(iw);
    let h = wh + (size.1 as u64).saturating_sub(ih);
    c.set_window_size(w as u32, h as u32).await?;
    Ok(())
}

/// What a person does, step by step.
async fn person(c: Client, base: String, shots: PathBuf) -> Result<()> {
    let at = |p: &str| format!("{base}{p}");
    c.goto(&at("/healthz")).await?;
    set_viewport(&c, DESKTOP).await?;

    // Signed out, the ads are behind the login form, which remembers where we were going.
    c.goto(&at("/")).await?;
    let u = wait_path(&c, "/login", None).await?;
    ensure!(
        u.query() == Some("next=%2F") || u.query() == Some("next=/"),
        "{u}"
    );
    el(&c, "#username").await?.send_keys("ana").await?;
    el(&c, "#password")
        .await?
        .send_keys("not the password")
        .await?;
    shot(&c, &shots, "login", false).await?;
    el(&c, "#login").await?.click().await?;
    let err = text(&c, "main .error").await?;
    ensure!(!err.trim().is_empty(), "a wrong password shows no message");
    let user = el(&c, "#username").await?.prop("value").await?;
    ensure!(
        user.as_deref() == Some("ana"),
        "user name not kept: {user:?}"
    );
    el(&c, "#password").await?.send_keys(PASSWORD).await?;
    el(&c, "#login").await?.click().await?;

    // The dashboard.
    wait_path(&c, "/", None).await?;
    ensure!(text(&c, "main h1").await? == "Dashboard");
    let high_tile = text(&c, ".tile.hot .n").await?;
    ensure!(high_tile == HIGH.to_string(), "high-risk tile: {high_tile}");
    let who = text(&c, "header .who").await?;
    ensure!(who.contains("ana") && who.contains("analyst"), "{who}");
    shot(&c, &shots, "dashboard", false).await?;

    // The ads list, two pages of it.
    el(&c, "header nav a[href='/ads']").await?.click().await?;
    wait_path(&c, "/ads", None).await?;
    let count = text(&c, "#ad-count").await?;
    ensure!(count == format!("{ADS} found"), "ad count: {count}");
    ensure!(rows(&c).await?.len() == 50, "a page holds 50 ads");
    ensure!(
        !el(&c, "#f-risk").await?.is_displayed().await?,
        "the filters are folded until opened"
    );
    shot(&c, &shots, "ads", false).await?;
    el(&c, "#next-page").await?.click().await?;
    wait_path(&c, "/ads", Some("page=2")).await?;
    let n = rows(&c).await?.len();
    ensure!(n == ADS - 50, "page 2 has {n} rows");
    ensure!(
        c.find(Locator::Css("#next-page")).await.is_err(),
        "no next page after the last"
    );
    el(&c, "a[rel=prev]").await?.click().await?;
    wait_path(&c, "/ads", None).await?;

    // Filter: high risk only.
    el(&c, "details.filters > summary").await?.click().await?;
    let risk = el(&c, "#f-risk").await?;
    ensure!(risk.is_displayed().await?, "the filters did not open");
    risk.select_by_value("high").await?;
    el(&c, "#apply-filters").await?.click().await?;
    wait_path(&c, "/ads", Some("risk=high")).await?;
    let count = text(&c, "#ad-count").await?;
    ensure!(count == format!("{HIGH} found"), "high-risk count: {count}");
    let high_rows = rows(&c).await?;
    ensure!(
        high_rows.len() == HIGH,
        "{} high-risk rows",
        high_rows.len()
    );
    for r in &high_rows {
        let class = r.attr("class").await?.unwrap_or_default();
        let badge = r.find(Locator::Css("td .badge")).await?.text().await?;
        ensure!(
            class.split(' ').any(|k| k == "risk-high") && badge.starts_with("high"),
            "a row that is not high risk: class {class:?}, badge {badge:?}"
        );
    }
    ensure!(
        el(&c, "#f-risk").await?.is_displayed().await?,
        "active filters stay open"
    );

    // The ad whose title is a script.
    let mut hostile = None;
    for a in c.find_all(Locator::Css("a.ad-link")).await? {
        if a.text().await? == XSS_TITLE {
            hostile = Some(a);
        }
    }
    hostile
        .context("the hostile title is not in the list as text")?
        .click()
        .await?;
    let title = text(&c, "#ad-title").await?;
    ensure!(title == XSS_TITLE, "title shown as {title:?}");
    no_alert(&c, "on the ad page").await?;
    let injected = c
        .find_all(Locator::Css("main script, main img, main svg"))
        .await?;
    ensure!(injected.is_empty(), "markup from the ad became elements");
    let ad_text = text(&c, "#ad-text").await?;
    ensure!(
        ad_text.contains("<svg onload=alert('desc')>") && ad_text.contains("</textarea>"),
        "the description is not shown as text: {ad_text:?}"
    );
    ensure!(
        !c.find_all(Locator::Css("#ad-text mark")).await?.is_empty(),
        "no highlight in the ad text"
    );
    let facts = text(&c, "dl.facts").await?;
    ensure!(facts.contains(XSS_SELLER), "seller not shown as text");
    // The archived page loads in its sandboxed frame; its script (which would rename this page)
    // must not run.
    let frame = el(&c, "iframe.archive").await?;
    let sandbox = frame.attr("sandbox").await?;
    ensure!(
        sandbox.as_deref() == Some(""),
        "iframe sandbox: {sandbox:?}"
    );
    frame.clone().enter_frame().await?;
    let h1 = text(&c, "h1").await?;
    ensure!(h1 == "Elfenbein", "archived page shows {h1:?}");
    el(&c, "form").await?; // parsed past the script
    c.enter_parent_frame().await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let doc_title = c.title().await?;
    ensure!(
        doc_title == format!("{XSS_TITLE} · wildwatch"),
        "document title is {doc_title:?}"
    );
    no_alert(&c, "after the archived page loaded").await?;

    // Correct the review.
    let status = text(&c, "#review-status").await?;
    ensure!(status == "unreviewed", "review status before: {status}");
    el(&c, "#r-risk").await?.select_by_value("medium").await?;
    let species = el(&c, "#r-species").await?;
    species.clear().await?;
    species.send_keys("African elephant").await?;
    let takedown = el(&c, "#r-takedown").await?;
    if !takedown.is_selected().await? {
        takedown.click().await?;
    }
    el(&c, "#r-notes")
        .await?
        .send_keys("Carved ivory, no papers.")
        .await?;
    el(&c, "#save-review").await?.click().await?;
    let saved = text(&c, "#review-saved").await?;
    ensure!(saved.contains("saved"), "{saved}");
    let status = text(&c, "#review-status").await?;
    ensure!(status == "corrected", "review status after: {status}");
    let badges = text(&c, "p.badges").await?;
    ensure!(badges.contains("takedown"), "no takedown badge: {badges}");
    ensure!(el(&c, "#r-takedown").await?.is_selected().await?);
    let r = el(&c, "#r-risk").await?.prop("value").await?;
    ensure!(r.as_deref() == Some("medium"), "risk after saving: {r:?}");
    let sp = el(&c, "#r-species").await?.prop("value").await?;
    ensure!(
        sp.as_deref()
            .is_some_and(|s| s.contains("Loxodonta africana") || s.contains("African elephant")),
        "species after saving: {sp:?}"
    );
    let history = text(&c, "ul.audit").await?;
    ensure!(history.contains("ana"), "history: {history}");
    no_alert(&c, "after saving").await?;
    shot(&c, &shots, "ad", true).await?;

    // Find it again with the review filter.
    c.goto(&at("/ads")).await?;
    el(&c, "details.filters > summary").await?.click().await?;
    el(&c, "#f-review")
        .await?
        .select_by_value("corrected")
        .await?;
    el(&c, "#apply-filters").await?.click().await?;
    wait_path(&c, "/ads", Some("review=corrected")).await?;
    let found = rows(&c).await?;
    ensure!(found.len() == 1, "{} corrected ads", found.len());
    ensure!(text(&c, "a.ad-link").await? == XSS_TITLE);

    // At phone width: the ads table becomes cards; no page scrolls sideways.
    set_viewport(&c, PHONE).await?;
    c.goto(&at("/ads")).await?;
    el(&c, "#ads-table").await?;
    let iw = c.execute("return window.innerWidth;", vec![]).await?;
    ensure!(
        iw.as_u64().is_some_and(|w| w <= PHONE.0 as u64),
        "the window did not get phone-narrow: innerWidth {iw}"
    );
    ensure!(
        !el(&c, "#ads-table thead").await?.is_displayed().await?,
        "the table header still shows at phone width"
    );
    let display = el(&c, "#ads-table tbody tr")
        .await?
        .css_value("display")
        .await?;
    ensure!(display == "block", "rows are `{display}`, not cards");
    no_sideways_scroll(&c, "/ads").await?;
    shot(&c, &shots, "ads-phone", false).await?;
    for p in ["/", "/ads?risk=high", "/ads/1", "/report"] {
        c.goto(&at(p)).await?;
        el(&c, "main h1").await?;
        no_sideways_scroll(&c, p).await?;
    }
    set_viewport(&c, DESKTOP).await?;

    // Log out: the ads are behind the login form again.
    c.goto(&at("/")).await?;
    el(&c, "#logout").await?.click().await?;
    wait_path(&c, "/login", None).await?;
    c.goto(&at("/ads")).await?;
    let u = wait_path(&c, "/login", None).await?;
    ensure!(
        u.query().is_some_and(|q| q.contains("next=%2Fads")),
        "after logout: {u}"
    );
    ensure!(c.find(Locator::Css("#logout")).await.is_err());

    // Signed out, anyone may report an ad: a marketplace ad is taken, a loopback address is not.
    el(&c, "header nav a[href='/report']")
        .await?
        .click()
        .await?;
    wait_path(&c, "/report", None).await?;
    el(&c, "#report-url")
        .await?
        .send_keys("https://www.leboncoin.fr/ad/animaux/123")
        .await?;
    el(&c, "#report-comment")
        .await?
        .send_keys("Ivory carvings, seller says no papers.")
        .await?;
    shot(&c, &shots, "report", false).await?;
    el(&c, "#report-submit").await?.click().await?;
    let done = text(&c, "#report-done").await?;
    ensure!(done.starts_with("Thank you"), "{done}");
    let left = el(&c, "#report-url").await?.prop("value").await?;
    ensure!(left.as_deref() == Some(""), "form not emptied: {left:?}");
    el(&c, "#report-url")
        .await?
        .send_keys("http://127.0.0.1:5432/")
        .await?;
    el(&c, "#report-submit").await?.click().await?;
    let refused = text(&c, "main .error").await?;
    ensure!(
        refused.contains("cannot be reported"),
        "loopback report: {refused:?}"
    );
    ensure!(
        c.find(Locator::Css("#report-done")).await.is_err(),
        "a refused report was thanked for"
    );
    Ok(())
}

on_both_backends!(multi_thread: a_person_uses_the_app_in_a_real_browser);

async fn a_person_uses_the_app_in_a_real_browser(b: Backend) {
    let required = env_on("WILDWATCH_REQUIRE_BROWSER");
    let chromium = binary("WILDWATCH_CHROMIUM", "/usr/bin/chromium");
    let chromedriver = binary("WILDWATCH_CHROMEDRIVER", "/usr/bin/chromedriver");
    for b in [&chromium, &chromedriver] {
        if !b.is_file() {
            let why = format!(
                "{} is missing (Debian: apt-get install chromium chromium-driver)",
                b.display()
            );
            if required {
                panic!("WILDWATCH_REQUIRE_BROWSER=1 but {why}");
            }
            // Straight to stderr: the test harness would hide `eprintln!` of a passing test.
            let _ = writeln!(std::io::stderr(), "browser test skipped: {why}");
            return;
        }
    }
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let shots = if env_on("WILDWATCH_SCREENSHOTS") {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots")
    } else {
        tmp.path().join("screenshots")
    };
    std::fs::create_dir_all(&shots).unwrap();

    // The app and its archive origin on loopback ports of their own.
    let app_l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let arch_l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (app_addr, arch_addr) = (app_l.local_addr().unwrap(), arch_l.local_addr().unwrap());
    let w = world_n(b, ADS, |cfg| {
        cfg.addr = app_addr;
        cfg.archive_addr = arch_addr;
        cfg.fetch_reports = false;
    });
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(wildwatch_web::serve_on(
        w.st.clone(),
        app_l,
        arch_l,
        async move {
            let _ = stopped.await;
        },
    ));

    let driver = Driver::start(&chromedriver, tmp.path()).unwrap();
    let client = connect(&driver, &chromium, &tmp.path().join("profile"))
        .await
        .unwrap();
    let base = format!("http://{app_addr}");
    let mut run = tokio::spawn(person(client.clone(), base, shots.clone()));
    let outcome = tokio::time::timeout(Duration::from_secs(240), &mut run).await;
    let failed = !matches!(outcome, Ok(Ok(Ok(()))));
    if failed {
        run.abort();
        let png = tmp.path().join("failure.png");
        if let Ok(bytes) = client.screenshot().await {
            let keep = std::env::temp_dir().join("wildwatch-browser-failure.png");
            let _ = std::fs::write(&png, &bytes);
            if std::fs::write(&keep, &bytes).is_ok() {
                eprintln!("the page at the failure: {}", keep.display());
            }
        }
        eprintln!("at {}", url_of(&client).await);
    }
    let _ = client.close().await;
    drop(driver);
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
    eprintln!("browser test took {:.1}s", started.elapsed().as_secs_f64());
    match outcome {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => panic!("{e:#}"),
        Ok(Err(join)) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
        Ok(Err(join)) => panic!("the browser session failed: {join}"),
        Err(_) => panic!("the browser session took more than 240 s"),
    }
}
