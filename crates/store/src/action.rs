//! What acting on findings needs from the store: takedown notices sent to platforms (and the ads
//! each named, so that revisits measure removal after notice), and platform policy audits.

/// Schema version 5: takedown notices and policy audits.
pub(crate) const MIGRATION_5: &str = r#"
    CREATE TABLE notices (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER REFERENCES campaigns(id),
        platform TEXT NOT NULL,
        lang TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        csv_sha256 TEXT NOT NULL,
        letter_sha256 TEXT NOT NULL,
        sent_at INTEGER,
        sent_by TEXT,
        channel TEXT
    );
    CREATE INDEX notices_campaign ON notices(campaign_id, platform);
    CREATE TABLE notice_ads (
        notice_id INTEGER NOT NULL REFERENCES notices(id),
        ad_id INTEGER NOT NULL REFERENCES ads(id),
        PRIMARY KEY (notice_id, ad_id)
    );
    CREATE INDEX notice_ads_ad ON notice_ads(ad_id);
    CREATE TABLE policy_audits (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        site TEXT NOT NULL,
        platform TEXT,
        audited_at INTEGER NOT NULL,
        verdict TEXT NOT NULL,
        result TEXT NOT NULL
    );
    CREATE INDEX policy_audits_campaign ON policy_audits(campaign_id, site, id);
"#;
