//! Saving and loading models as JSON, refusing anything that could not have been saved by us.

use crate::{CvFigures, FeatureSet, Model, ModelError, MAX_MODEL_BYTES, MODEL_FORMAT};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::Path;

/// The file as written (borrowing the model).
#[derive(Serialize)]
struct FileOut<'a> {
    version: u32,
    trained_at: &'a str,
    examples: usize,
    positives: usize,
    sources: &'a [String],
    feature_set: &'a FeatureSet,
    cv: &'a Option<CvFigures>,
    bias: f32,
    weights: &'a [(u32, f32)],
}

/// The file as read; weights may be `null` (how JSON writers spell NaN), so they can be refused
/// by name rather than as a parse error.
#[derive(Deserialize)]
struct FileIn {
    version: u32,
    trained_at: String,
    examples: usize,
    positives: usize,
    #[serde(default)]
    sources: Vec<String>,
    feature_set: FeatureSet,
    #[serde(default)]
    cv: Option<CvFigures>,
    bias: Option<f32>,
    weights: Vec<(u32, Option<f32>)>,
}

/// Just the version, read first so an old or future layout is reported as a version mismatch.
#[derive(Deserialize)]
struct VersionProbe {
    version: Option<u32>,
}

impl Model {
    /// The model as JSON bytes (what [`Model::save`] writes).
    pub fn to_bytes(&self) -> Result<Vec<u8>, ModelError> {
        if !self.bias.is_finite() || self.weights.iter().any(|(_, w)| !w.is_finite()) {
            return Err(ModelError::Invalid {
                what: "model has non-finite weights".into(),
            });
        }
        let out = FileOut {
            version: self.version,
            trained_at: &self.trained_at,
            examples: self.examples,
            positives: self.positives,
            sources: &self.sources,
            feature_set: &self.feature_set,
            cv: &self.cv,
            bias: self.bias,
            weights: &self.weights,
        };
        serde_json::to_vec(&out).map_err(|e| ModelError::Parse {
            what: format!("model for writing ({e})"),
        })
    }

    /// Reads a model from JSON bytes, with the same checks as [`Model::load`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        if bytes.len() as u64 > MAX_MODEL_BYTES {
            return Err(ModelError::TooLarge {
                size: bytes.len() as u64,
                limit: MAX_MODEL_BYTES,
            });
        }
        let probe: VersionProbe =
            serde_json::from_slice(bytes).map_err(|e| parse_error(bytes, e))?;
        let found = probe.version.ok_or_else(|| ModelError::Parse {
            what: "model JSON (no `version` field; not a wildwatch model file?)".into(),
        })?;
        if found != MODEL_FORMAT {
            return Err(ModelError::Version {
                found,
                expected: MODEL_FORMAT,
            });
        }
        let file: FileIn = serde_json::from_slice(bytes).map_err(|e| parse_error(bytes, e))?;
        validate(file)
    }

    /// Writes the model as JSON to a temporary file beside `path`, then renames it into place, so
    /// a reader never sees half a model.
    pub fn save(&self, path: &Path) -> Result<(), ModelError> {
        let bytes = self.to_bytes()?;
        let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(format!(".tmp-{}", std::process::id()));
        let tmp = path.with_file_name(tmp_name);
        let io = |p: &Path| {
            let path = p.to_path_buf();
            move |source| ModelError::Io { path, source }
        };
        let written = std::fs::File::create(&tmp)
            .and_then(|mut f| f.write_all(&bytes).and_then(|()| f.sync_all()))
            .map_err(io(&tmp))
            .and_then(|()| std::fs::rename(&tmp, path).map_err(io(path)));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }

    /// Reads a model saved by [`Model::save`]. Refuses files over 64 MB, other format versions,
    /// more than 2^24 buckets, weights outside the buckets and non-finite weights, naming which.
    pub fn load(path: &Path) -> Result<Model, ModelError> {
        let io = |source| ModelError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        if size > MAX_MODEL_BYTES {
            return Err(ModelError::TooLarge {
                size,
                limit: MAX_MODEL_BYTES,
            });
        }
        let mut bytes = Vec::with_capacity(size as usize);
        file.take(MAX_MODEL_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        Model::from_bytes(&bytes)
    }
}

/// A parse error; says "truncated" when the input ends early (mid-value or without its closing
/// brace: a saved model always ends with `}`).
fn parse_error(bytes: &[u8], e: serde_json::Error) -> ModelError {
    let ends_early = bytes.iter().rev().find(|b| !b.is_ascii_whitespace()) != Some(&b'}');
    let hint = if e.is_eof() || ends_early {
        "; the file is truncated"
    } else {
        ""
    };
    ModelError::Parse {
        what: format!("model JSON ({e}{hint})"),
    }
}

fn validate(file: FileIn) -> Result<Model, ModelError> {
    file.feature_set.check()?;
    let invalid = |what: String| Err(ModelError::Invalid { what });
    let bias = match file.bias {
        Some(b) if b.is_finite() => b,
        _ => return invalid("bias is not a finite number".into()),
    };
    let buckets = file.feature_set.buckets() as u64;
    let mut weights = Vec::with_capacity(file.weights.len());
    for (i, w) in file.weights {
        let Some(w) = w.filter(|w| w.is_finite()) else {
            return invalid(format!(
                "weight of bucket {i} is not a finite number (NaN or infinite)"
            ));
        };
        if u64::from(i) >= buckets {
            return invalid(format!(
                "weight for bucket {i}, but the model has only {buckets} buckets"
            ));
        }
        if weights.last().is_some_and(|&(last, _)| last >= i) {
            return invalid(format!("weights are not sorted by bucket at bucket {i}"));
        }
        weights.push((i, w));
    }
    if file.positives > file.examples {
        return invalid(format!(
            "{} positives among {} examples",
            file.positives, file.examples
        ));
    }
    Ok(Model {
        version: file.version,
        trained_at: file.trained_at,
        examples: file.examples,
        positives: file.positives,
        sources: file.sources,
        feature_set: file.feature_set,
        cv: file.cv,
        weights,
        bias,
    })
}

#[cfg(test)]
mod tests {
    use crate::train::tests::toy_corpus;
    use crate::*;

    fn model() -> Model {
        let opts = TrainOptions {
            feature_set: FeatureSet {
                buckets_log2: 14,
                ..FeatureSet::default()
            },
            ..TrainOptions::default()
        };
        let mut m = train(&toy_corpus(), &opts, &mut |_, _| {}).unwrap();
        m.trained_at = "2026-12-07T12:00:00Z".into();
        m.sources = vec!["labels.csv".into()];
        m
    }

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("wildwatch-model-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn save_load_round_trip_keeps_probabilities() {
        let m = model();
        let dir = temp_dir("roundtrip");
        let path = dir.join("model.json");
        m.save(&path).unwrap();
        let back = Model::load(&path).unwrap();
        assert_eq!(back, m);
        for e in toy_corpus() {
            let f = m.featurize(&e.text, &e.evidence);
            assert_eq!(m.probability(&f).to_bits(), back.probability(&f).to_bits());
        }
        let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp file left behind");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn json(m: &Model) -> serde_json::Value {
        serde_json::from_slice(&m.to_bytes().unwrap()).unwrap()
    }

    #[test]
    fn refuses_wrong_version() {
        let mut v = json(&model());
        v["version"] = 2.into();
        let err = Model::from_bytes(v.to_string().as_bytes()).unwrap_err();
        assert!(
            matches!(
                err,
                ModelError::Version {
                    found: 2,
                    expected: 1
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("version 2"), "{err}");
    }

    #[test]
    fn refuses_nan_weight() {
        let mut v = json(&model());
        v["weights"][3][1] = serde_json::Value::Null; // serde_json writes NaN as null
        let err = Model::from_bytes(v.to_string().as_bytes()).unwrap_err();
        assert!(matches!(err, ModelError::Invalid { .. }), "{err}");
        assert!(err.to_string().contains("not a finite number"), "{err}");
        let mut v = json(&model());
        v["weights"][0][1] = serde_json::json!(1e39); // overflows f32 to infinity
        let err = Model::from_bytes(v.to_string().as_bytes()).unwrap_err();
        assert!(err.to_string().contains("not a finite number"), "{err}");
    }

    #[test]
    fn refuses_truncated_file() {
        let dir = temp_dir("truncated");
        let path = dir.join("model.json");
        let bytes = model().to_bytes().unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let err = Model::load(&path).unwrap_err();
        assert!(matches!(err, ModelError::Parse { .. }), "{err}");
        assert!(err.to_string().contains("truncated"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_too_many_buckets_and_out_of_range_weights() {
        let mut v = json(&model());
        v["feature_set"]["buckets_log2"] = 30.into();
        let err = Model::from_bytes(v.to_string().as_bytes()).unwrap_err();
        assert!(err.to_string().contains("buckets_log2 is 30"), "{err}");
        let mut v = json(&model());
        v["weights"] = serde_json::json!([[1_000_000, 0.5]]);
        let err = Model::from_bytes(v.to_string().as_bytes()).unwrap_err();
        assert!(err.to_string().contains("bucket 1000000"), "{err}");
    }

    #[test]
    fn refuses_oversized_input_and_missing_version() {
        let big = vec![b' '; (MAX_MODEL_BYTES + 1) as usize];
        assert!(matches!(
            Model::from_bytes(&big),
            Err(ModelError::TooLarge { .. })
        ));
        let err = Model::from_bytes(b"{\"weights\": []}").unwrap_err();
        assert!(err.to_string().contains("no `version` field"), "{err}");
    }
}
