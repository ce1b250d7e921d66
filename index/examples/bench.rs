//! Index and search benchmark at archive scale, next to a plain tantivy
//! index (default tokenizer, text stored) built in the same run.
//!
//! ```text
//! cargo run --release -p arhiva-index --example bench -- --pages 100000
//! cargo run --release -p arhiva-index --example bench -- --pages 1000000
//! ```
//!
//! Pages come from `arhiva-fixtures` (text-only deliveries, OCR-noised
//! sidecars), generated in chunks of dossiers and held in memory, so the
//! timings cover indexing only. Prints, for ours and plain tantivy:
//! indexing pages/s (add + commit; merges reported apart), index size, peak
//! RSS of each phase, and query latency p50/p95/p99 over a mixed query set
//! (words, two words, phrases, names, OCR-damaged words, words with a year
//! filter; 10 hits with snippets; ours also counts facets). Both search
//! with a thread per core. Person search latency is printed on its own
//! line, and the slowest queries of ours are listed.
//!
//! `--keep DIR` builds in DIR and leaves the indexes and the query set
//! there; `--queries-only DIR` then times the queries again on them (to
//! compare query-side changes without rebuilding; the schema must match).

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use arhiva_fixtures::{Options, PageTruth};
use arhiva_index::{fold, tokens, Filters, PageDoc, PersonQuery, SearchIndex, SearchRequest};
use arhiva_store::{Payroll, PayrollRow};
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Schema, INDEXED, STORED, STRING, TEXT};
use tantivy::snippet::SnippetGenerator;
use tantivy::{doc, Index, TantivyDocument};

type Res<T> = Result<T, Box<dyn std::error::Error>>;
/// (name, CNP) of the persons on payroll pages.
type Persons = Vec<(String, String)>;

const MEMORY: usize = 256 * 1024 * 1024;

fn main() -> Res<()> {
    let mut pages_wanted = 100_000usize;
    let mut keep: Option<std::path::PathBuf> = None;
    let mut queries_only = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--pages" => pages_wanted = args.next().ok_or("--pages N")?.parse()?,
            "--keep" => keep = Some(args.next().ok_or("--keep DIR")?.into()),
            "--queries-only" => {
                keep = Some(args.next().ok_or("--queries-only DIR")?.into());
                queries_only = true;
            }
            other => {
                return Err(format!(
                    "unknown argument {other:?}; use --pages N [--keep DIR] or --queries-only DIR"
                )
                .into())
            }
        }
    }
    if queries_only {
        let dir = keep.ok_or("--queries-only DIR")?;
        return queries_again(&dir);
    }
    let tmp = tempfile::tempdir()?;
    let work = match &keep {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            dir.clone()
        }
        None => tmp.path().to_path_buf(),
    };
    let work = work.as_path();
    let t = Instant::now();
    let (docs, persons) = generate(work, pages_wanted)?;
    let text_bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    println!(
        "corpus: {} pages, {:.0} MB of text, {} payroll persons, generated in {:.0?}; rss now {} MB",
        docs.len(),
        text_bytes as f64 / 1e6,
        persons.len(),
        t.elapsed(),
        rss_mb("VmRSS")
    );
    let queries = query_set(&docs, &persons);
    if keep.is_some() {
        std::fs::write(
            work.join("queries.json"),
            serde_json::to_vec(&(&queries, &persons))?,
        )?;
    }

    // Ours.
    reset_peak();
    let ours_dir = work.join("ours");
    let (ours, _) = SearchIndex::open(&ours_dir)?;
    let t = Instant::now();
    let mut batch = ours.writer()?;
    for d in &docs {
        batch.add(d)?;
    }
    let ours_index_time = t.elapsed();
    let t = Instant::now();
    batch.commit_and_merge()?;
    let ours_commit = t.elapsed();
    let ours_peak = rss_mb("VmHWM");

    // Plain tantivy.
    reset_peak();
    let plain_dir = work.join("plain");
    std::fs::create_dir_all(&plain_dir)?;
    let mut sb = Schema::builder();
    let p_text = sb.add_text_field("text", TEXT | STORED);
    let p_cota = sb.add_text_field("cota", STRING | STORED);
    let p_page = sb.add_u64_field("page", INDEXED | STORED);
    let mut plain = Index::create_in_dir(&plain_dir, sb.build())?;
    // Searches use every core, as ours do (one task per segment).
    plain.set_default_multithread_executor()?;
    let t = Instant::now();
    let mut w = plain.writer_with_num_threads(ours_threads(), MEMORY)?;
    for d in &docs {
        w.add_document(
            doc!(p_text => d.text.as_str(), p_cota => d.cota.as_str(), p_page => u64::from(d.page)),
        )?;
    }
    let plain_index_time = t.elapsed();
    let t = Instant::now();
    w.commit()?;
    w.wait_merging_threads()?;
    let plain_commit = t.elapsed();
    let plain_peak = rss_mb("VmHWM");

    let n = docs.len() as f64;
    // Ingest commits once per batch: the rate counts add + commit; the
    // merge wait is shown apart (it is background work in production).
    let rate = |add: Duration, commit: Duration| n / (add + commit).as_secs_f64();
    let (ours_rate, plain_rate) = (
        rate(ours_index_time, ours_commit),
        rate(plain_index_time, plain_commit),
    );
    let (ours_size, plain_size) = (dir_size(&ours_dir)?, dir_size(&plain_dir)?);
    drop(docs);

    // Queries.
    let timings = time_all(&ours, &plain, p_text, &queries, &persons)?;

    header();
    row("indexing, pages/s (add+commit)", ours_rate, plain_rate, "");
    println!(
        "{:<34}{:>14}{:>16}",
        "  add / commit / merge wait",
        format!(
            "{:.1}/{:.1}s",
            ours_index_time.as_secs_f64(),
            ours_commit.as_secs_f64()
        ),
        format!(
            "{:.1}/{:.1}s",
            plain_index_time.as_secs_f64(),
            plain_commit.as_secs_f64()
        )
    );
    row(
        "index size, MB",
        ours_size as f64 / 1e6,
        plain_size as f64 / 1e6,
        "MB",
    );
    row(
        "peak RSS indexing, MB",
        ours_peak as f64,
        plain_peak as f64,
        "MB",
    );
    print_queries(&timings, &queries);
    Ok(())
}

/// Query latencies of one run, in ms, and the peak RSS while querying.
struct Timings {
    ours: Vec<f64>,
    plain: Vec<f64>,
    persons: Vec<f64>,
    ours_peak: u64,
    plain_peak: u64,
}

fn time_all(
    ours: &SearchIndex,
    plain: &Index,
    text: tantivy::schema::Field,
    queries: &[Q],
    persons: &[(String, String)],
) -> Res<Timings> {
    reset_peak();
    let ours_lat = time_ours(ours, queries)?;
    let persons = time_persons(ours, persons)?;
    let ours_peak = rss_mb("VmHWM");
    reset_peak();
    let plain_lat = time_plain(plain, text, queries)?;
    Ok(Timings {
        ours: ours_lat,
        plain: plain_lat,
        persons,
        ours_peak,
        plain_peak: rss_mb("VmHWM"),
    })
}

/// `--queries-only DIR`: time the saved query set on the kept indexes.
fn queries_again(dir: &Path) -> Res<()> {
    let (queries, persons): (Vec<Q>, Persons) =
        serde_json::from_slice(&std::fs::read(dir.join("queries.json"))?)?;
    let (ours, opened) = SearchIndex::open(&dir.join("ours"))?;
    if opened.needs_rebuild() {
        return Err(format!("{}: no usable index there ({opened:?})", dir.display()).into());
    }
    let mut plain = Index::open_in_dir(dir.join("plain"))?;
    plain.set_default_multithread_executor()?;
    let text = plain.schema().get_field("text")?;
    let timings = time_all(&ours, &plain, text, &queries, &persons)?;
    header();
    print_queries(&timings, &queries);
    Ok(())
}

fn header() {
    println!(
        "\n{:<34}{:>14}{:>16}{:>10}",
        "", "arhiva-index", "plain tantivy", "ratio"
    );
}

fn row(label: &str, a: f64, b: f64, unit: &str) {
    println!(
        "{label:<34}{:>11.1} {unit:<2}{:>13.1} {unit:<2}{:>9.2}x",
        a,
        b,
        a / b
    );
}

fn print_queries(t: &Timings, queries: &[Q]) {
    row(
        "peak RSS querying, MB",
        t.ours_peak as f64,
        t.plain_peak as f64,
        "MB",
    );
    for (label, pct) in [
        ("query p50, ms", 0.50),
        ("query p95, ms", 0.95),
        ("query p99, ms", 0.99),
    ] {
        row(label, pctl(&t.ours, pct), pctl(&t.plain, pct), "ms");
    }
    println!("\nby query kind (ours / plain, p50 and p99 in ms):");
    for kind in KINDS {
        let pick = |lat: &[f64]| -> Vec<f64> {
            lat.iter()
                .zip(queries)
                .filter(|(_, q)| q.kind == kind)
                .map(|(l, _)| *l)
                .collect()
        };
        let (o, p) = (pick(&t.ours), pick(&t.plain));
        println!(
            "  {kind:<10} {:>7.2} / {:>7.2}   p99 {:>7.2} / {:>7.2}   ({} queries)",
            pctl(&o, 0.5),
            pctl(&p, 0.5),
            pctl(&o, 0.99),
            pctl(&p, 0.99),
            o.len()
        );
    }
    let mut slowest: Vec<(f64, &Q)> = t.ours.iter().copied().zip(queries).collect();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("slowest of ours:");
    for (ms, q) in slowest.iter().take(8) {
        println!("  {ms:>7.1} ms  {:<10} {}", q.kind, q.text);
    }
    println!(
        "person search (name + CNP): p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms over {} queries",
        pctl(&t.persons, 0.5),
        pctl(&t.persons, 0.95),
        pctl(&t.persons, 0.99),
        t.persons.len()
    );
}

fn ours_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4)
}

/// Generate text-only deliveries chunk by chunk until `want` pages.
fn generate(dir: &Path, want: usize) -> Res<(Vec<PageDoc>, Persons)> {
    let mut docs = Vec::with_capacity(want);
    let mut persons = Vec::new();
    let mut chunk = 0u64;
    while docs.len() < want {
        chunk += 1;
        let out = dir.join(format!("delivery-{chunk}"));
        let dossiers = ((want - docs.len()) / 70).clamp(20, 800);
        let opts = Options {
            dossiers,
            seed: chunk,
            text_only: true,
            ..Default::default()
        };
        arhiva_fixtures::generate(&out, &opts)?;
        let truth = arhiva_fixtures::load_ground_truth(&out)?;
        for d in &truth.dossiers {
            for p in &d.pages {
                if docs.len() < want {
                    docs.push(to_doc(chunk, d, p));
                }
            }
        }
        persons.extend(
            truth
                .persons
                .iter()
                .map(|p| (p.name.clone(), p.cnp.clone())),
        );
        std::fs::remove_dir_all(&out)?;
    }
    Ok((docs, persons))
}

fn to_doc(chunk: u64, d: &arhiva_fixtures::DossierTruth, p: &PageTruth) -> PageDoc {
    let text = p.sidecar_text.clone().unwrap_or_else(|| p.text.clone());
    let payroll = p.payroll.map(|m| Payroll {
        year: m.year,
        month: m.month as u8,
        rows: rows(&text),
    });
    PageDoc {
        cota: format!("{chunk}:{}", d.cota),
        page: p.page,
        text,
        fond: "Primăria Municipiului Arad".into(),
        department: d.department.clone(),
        doc_type: format!("{:?}", d.doc_type).to_lowercase(),
        indicativ: d.indicativ.clone(),
        title: d.title.clone(),
        location: d.location.clone(),
        first_year: d.years[0],
        last_year: d.years[1],
        term: d.term.clone(),
        text_source: "sidecar-txt".into(),
        payroll,
    }
}

/// Payroll rows as an ingest reads them: `nr. Name Words [CNP] function salary`.
fn rows(text: &str) -> Vec<PayrollRow> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut w = line.split_whitespace();
        if !w.next().is_some_and(|n| {
            n.len() > 1 && n.ends_with('.') && n[..n.len() - 1].bytes().all(|b| b.is_ascii_digit())
        }) {
            continue;
        }
        let rest: Vec<&str> = w.collect();
        let name: Vec<&str> = rest
            .iter()
            .take_while(|x| x.chars().next().is_some_and(char::is_uppercase))
            .copied()
            .collect();
        let cnp = rest
            .iter()
            .find(|x| x.len() == 13 && x.bytes().all(|b| b.is_ascii_digit()));
        if !name.is_empty() {
            out.push(PayrollRow {
                name: name.join(" "),
                cnp: cnp.map(|c| c.to_string()),
                function: None,
                salary: None,
            });
        }
    }
    out
}

const KINDS: [&str; 6] = ["word", "two-words", "phrase", "name", "fuzzy", "filter"];

#[derive(serde::Serialize, serde::Deserialize)]
struct Q {
    kind: String,
    text: String,
    years: Option<(i32, i32)>,
}

/// A deterministic mixed query set drawn from the corpus.
fn query_set(docs: &[PageDoc], persons: &[(String, String)]) -> Vec<Q> {
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n.max(1) as u64) as usize
    };
    let mut df: HashMap<String, usize> = HashMap::new();
    for d in docs.iter().step_by((docs.len() / 5000).max(1)) {
        let mut seen: Vec<String> = tokens(&d.text);
        seen.sort();
        seen.dedup();
        for t in seen {
            *df.entry(t).or_default() += 1;
        }
    }
    let mut vocab: Vec<String> = df
        .into_iter()
        .filter(|(t, n)| *n >= 2 && t.len() >= 4 && !t.bytes().all(|b| b.is_ascii_digit()))
        .map(|(t, _)| t)
        .collect();
    vocab.sort();
    let mut qs = Vec::new();
    for _ in 0..100 {
        let w = vocab[next(vocab.len())].clone();
        qs.push(Q {
            kind: "word".into(),
            text: w.clone(),
            years: None,
        });
        let w2 = vocab[next(vocab.len())].clone();
        let d = &docs[next(docs.len())];
        let toks = tokens(&d.text);
        let two = toks
            .get(next(toks.len().saturating_sub(1))..)
            .map(|t| t.iter().take(2).cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        qs.push(Q {
            kind: "two-words".into(),
            text: format!("{w} {}", two.last().cloned().unwrap_or(w2)),
            years: None,
        });
        let i = next(toks.len().saturating_sub(3));
        qs.push(Q {
            kind: "phrase".into(),
            text: format!("\"{}\"", toks[i..(i + 3).min(toks.len())].join(" ")),
            years: None,
        });
        let (name, _) = &persons[next(persons.len())];
        qs.push(Q {
            kind: "name".into(),
            text: fold(name),
            years: None,
        });
        let long: Vec<&String> = toks
            .iter()
            .filter(|t| t.len() >= 6 && t.is_ascii())
            .collect();
        let f = long
            .get(next(long.len()))
            .map(|t| damage(t, next(t.len() - 2) + 1))
            .unwrap_or_else(|| w.clone());
        qs.push(Q {
            kind: "fuzzy".into(),
            text: f,
            years: None,
        });
        let y = 1950 + next(70) as i32;
        qs.push(Q {
            kind: "filter".into(),
            text: vocab[next(vocab.len())].clone(),
            years: Some((y, y + 9)),
        });
    }
    qs
}

/// One OCR-like substitution at byte `i` (ASCII words only).
fn damage(w: &str, i: usize) -> String {
    let mut b = w.as_bytes().to_vec();
    b[i] = match b[i] {
        b'e' => b'c',
        b'i' => b'l',
        b'u' => b'n',
        b'o' => b'0',
        b'n' => b'u',
        _ => b'e',
    };
    String::from_utf8(b).unwrap_or_else(|_| w.to_string())
}

fn time_ours(index: &SearchIndex, qs: &[Q]) -> Res<Vec<f64>> {
    let req = |q: &Q| SearchRequest {
        query: q.text.clone(),
        limit: 10,
        filters: Filters {
            year_from: q.years.map(|y| y.0),
            year_to: q.years.map(|y| y.1),
            ..Default::default()
        },
        ..Default::default()
    };
    for q in qs {
        index.search(&req(q))?; // warm-up
    }
    let mut lat = Vec::with_capacity(qs.len());
    for q in qs {
        let t = Instant::now();
        let r = index.search(&req(q))?;
        std::hint::black_box(r);
        lat.push(t.elapsed().as_secs_f64() * 1e3);
    }
    Ok(lat)
}

fn time_persons(index: &SearchIndex, persons: &[(String, String)]) -> Res<Vec<f64>> {
    let mut lat = Vec::new();
    for (name, cnp) in persons.iter().step_by((persons.len() / 200).max(1)) {
        let q = PersonQuery {
            name: name.clone(),
            cnp: Some(cnp.clone()),
        };
        index.person(&q)?;
        let t = Instant::now();
        std::hint::black_box(index.person(&q)?);
        lat.push(t.elapsed().as_secs_f64() * 1e3);
    }
    Ok(lat)
}

fn time_plain(index: &Index, text: tantivy::schema::Field, qs: &[Q]) -> Res<Vec<f64>> {
    let reader = index.reader()?;
    let mut parser = QueryParser::for_index(index, vec![text]);
    parser.set_conjunction_by_default();
    let mut fuzzy = QueryParser::for_index(index, vec![text]);
    fuzzy.set_conjunction_by_default();
    fuzzy.set_field_fuzzy(text, false, 1, true);
    let run = |q: &Q| -> Res<usize> {
        let searcher = reader.searcher();
        let p = if q.kind == "fuzzy" { &fuzzy } else { &parser };
        let query = p.parse_query(&q.text)?;
        let top = searcher.search(&query, &TopDocs::with_limit(10).order_by_score())?;
        let gen = SnippetGenerator::create(&searcher, &*query, text)?;
        let mut n = 0;
        for (_, addr) in top {
            let d: TantivyDocument = searcher.doc(addr)?;
            n += gen.snippet_from_doc(&d).to_html().len();
        }
        Ok(n)
    };
    for q in qs {
        run(q)?;
    }
    let mut lat = Vec::with_capacity(qs.len());
    for q in qs {
        let t = Instant::now();
        std::hint::black_box(run(q)?);
        lat.push(t.elapsed().as_secs_f64() * 1e3);
    }
    Ok(lat)
}

fn pctl(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[((s.len() as f64 * p).ceil() as usize).clamp(1, s.len()) - 1]
}

fn dir_size(dir: &Path) -> Res<u64> {
    let mut n = 0;
    for e in std::fs::read_dir(dir)? {
        n += e?.metadata()?.len();
    }
    Ok(n)
}

/// A line of /proc/self/status, in MB (0 where unavailable).
fn rss_mb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with(key)).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<u64>().ok())
            })
        })
        .map_or(0, |kb| kb / 1024)
}

/// Reset the peak RSS counter (Linux: write 5 to clear_refs).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
