//! Deliveries as scanners and vendors really make them, built from files of
//! public test suites (`../shared/corpus`) and from files made at test time
//! by the tools archives use (ImageMagick, poppler): PDFs per page, per
//! dossier and several per dossier, multi-page and compressed TIFFs, JPEG
//! 2000, rotated scans, PAGE XML, METS and ABBYY files.
//!
//! A test that needs the corpus or a tool that is missing says so and
//! passes without checking (CI installs both).

use std::path::{Path, PathBuf};
use std::process::Command;

use arhiva_ingest::{ingest_delivery, BatchReport, IngestOptions, OcrMode};
use arhiva_store::{Archive, Page, PageFlag, TextSource};

fn corpus() -> Option<PathBuf> {
    let c = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if c.join("MANIFEST.tsv").is_file() {
        Some(c)
    } else {
        println!("skipped: ../shared/corpus is not here");
        None
    }
}

fn have(tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg(if tool == "pdfinfo" { "-v" } else { "-version" })
        .output()
        .is_ok();
    if !ok {
        println!("skipped: {tool} is not installed");
    }
    ok
}

/// ImageMagick, as CI installs it.
fn convert(args: &[&str]) {
    let out = Command::new("convert")
        .args(args)
        .output()
        .expect("run convert");
    assert!(
        out.status.success(),
        "convert {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A 1000×1400 page with dark bars (text-like) and a red stamp.
fn page_png(path: &Path) {
    let mut img = image::RgbImage::from_pixel(1000, 1400, image::Rgb([245, 245, 240]));
    for line in 0..20u32 {
        for y in 100 + line * 60..120 + line * 60 {
            for x in 80..(600 + (line * 37) % 300) {
                if x % 14 < 10 {
                    img.put_pixel(x, y, image::Rgb([20, 20, 30]));
                }
            }
        }
    }
    for y in 1200..1320 {
        for x in 700..900 {
            img.put_pixel(x, y, image::Rgb([200, 20, 30]));
        }
    }
    img.save(path).expect("write png");
}

struct Delivery {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    data: PathBuf,
}

/// A delivery of `dossiers` (cotă, files), each file copied from a path.
fn delivery(dossiers: &[(&str, Vec<(String, PathBuf)>)]) -> Delivery {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("livrare");
    let mut inv = String::from("Cotă;Indicativ dosar;Conținutul pe scurt;Date extreme\n");
    for (cota, files) in dossiers {
        let d = dir.join(cota);
        std::fs::create_dir_all(&d).expect("mkdir");
        for (name, from) in files {
            std::fs::copy(from, d.join(name)).expect("copy");
        }
        inv.push_str(&format!("{cota};I/1;dosar {cota};1990\n"));
    }
    std::fs::write(dir.join("inventar.csv"), inv).expect("inventory");
    let data = tmp.path().join("data");
    Delivery {
        _tmp: tmp,
        dir,
        data,
    }
}

fn ingest(d: &Delivery) -> (Archive, BatchReport) {
    let archive = Archive::open(&d.data).expect("archive");
    let opts = IngestOptions {
        ocr: OcrMode::Never,
        jobs: Some(2),
        derivatives: true,
    };
    let report = ingest_delivery(&archive, None, &d.dir, &opts, &|_| {}).expect("ingest");
    (archive, report)
}

fn pages(archive: &Archive, cota: &str) -> Vec<Page> {
    let mut p = archive.catalog().pages(cota).expect("pages");
    p.sort_by_key(|p| p.page);
    p
}

fn text_of(archive: &Archive, p: &Page) -> String {
    p.text
        .as_ref()
        .map(|id| String::from_utf8_lossy(&archive.objects().get(id).expect("text")).into_owned())
        .unwrap_or_default()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Words as poppler gives them: it joins words hyphenated at a line end.
fn words(s: &str) -> String {
    squash(s).replace("- ", "")
}

fn pdfinfo_pages(path: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(path).output().expect("pdfinfo");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

fn pdftotext_page(path: &Path, n: usize) -> String {
    let n = n.to_string();
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-f", &n, "-l", &n])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn codes(report: &BatchReport, prefix: &str) -> Vec<String> {
    report
        .quarantine
        .iter()
        .filter(|q| q.file.starts_with(prefix))
        .map(|q| q.code.clone())
        .collect()
}

#[test]
fn pdfs_per_page_several_per_dossier_and_mixed_with_images() {
    let Some(c) = corpus() else { return };
    if !have("pdfinfo") || !have("convert") {
        return;
    }
    let py = c.join("pdf/py-pdf-sample-files");
    let four = py.join("004-pdflatex-4-pages/pdflatex-4-pages.pdf");
    let one = py.join("001-trivial/minimal-document.pdf");
    let tmp = tempfile::tempdir().expect("tmp");
    let tif = tmp.path().join("p.tif");
    let png = tmp.path().join("p.png");
    page_png(&png);
    convert(&[
        png.to_str().unwrap_or_default(),
        "-compress",
        "lzw",
        tif.to_str().unwrap_or_default(),
    ]);
    let (n4, n1) = (pdfinfo_pages(&four), pdfinfo_pages(&one));
    assert!(n4 >= 2 && n1 >= 1, "corpus PDFs changed: {n4} {n1}");
    let d = delivery(&[
        // One PDF per page slot, then an image: pages follow in order.
        (
            "D-1",
            vec![
                ("0001.pdf".into(), four.clone()),
                ("0002.pdf".into(), one.clone()),
                ("0003.tif".into(), tif.clone()),
            ],
        ),
        // Several unnumbered PDFs: by name.
        (
            "D-2",
            vec![
                ("dosar.pdf".into(), four.clone()),
                ("anexa.pdf".into(), one.clone()),
            ],
        ),
    ]);
    let (archive, report) = ingest(&d);
    assert!(report.quarantine.is_empty(), "{:#?}", report.quarantine);
    let p1 = pages(&archive, "D-1");
    assert_eq!(p1.len(), n4 + n1 + 1);
    assert_eq!(
        p1.iter().map(|p| p.page).collect::<Vec<_>>(),
        (1..=(n4 + n1 + 1) as u32).collect::<Vec<_>>()
    );
    assert_eq!(p1[0].pdf_page, Some(1));
    assert_eq!(
        p1[n4].pdf_page,
        Some(1),
        "second PDF starts again at its page 1"
    );
    assert_eq!(p1[n4 + n1].pdf_page, None, "the TIFF page");
    assert_eq!(p1[n4 + n1].size_px, Some((1000, 1400)));
    // Every PDF page's text is poppler's text, word for word.
    for (i, p) in p1[..n4].iter().enumerate() {
        assert_eq!(p.text_source, TextSource::PdfText);
        assert_eq!(
            words(&text_of(&archive, p)),
            words(&pdftotext_page(&four, i + 1)),
            "page {}",
            i + 1
        );
    }
    let p2 = pages(&archive, "D-2");
    assert_eq!(p2.len(), n1 + n4);
    // anexa.pdf (the one-page PDF) comes first.
    assert_eq!(
        words(&text_of(&archive, &p2[0])),
        words(&pdftotext_page(&one, 1))
    );
    assert!(
        !report.slowest.is_empty(),
        "the report lists the slowest files"
    );
    assert!(report.slowest.iter().all(|s| s.file.contains('/')));
}

#[test]
fn broken_pdf_is_corrupt_encrypted_is_encrypted_and_poppler_rescues_the_rest() {
    let Some(c) = corpus() else { return };
    if !have("pdfinfo") {
        return;
    }
    let q = c.join("pdf/qpdf");
    let broken = q.join("bad1.pdf");
    let encrypted = q.join("enc-R2,V1,U=view,O=master.pdf");
    // Its `%PDF-` header sits past the first kilobyte: lopdf refuses it,
    // poppler opens it.
    let rescued = c.join("pdf/pdfjs/bug1606566.pdf");
    let d = delivery(&[
        ("B-1", vec![("0001.pdf".into(), broken.clone())]),
        ("B-2", vec![("0001.pdf".into(), encrypted.clone())]),
        ("B-3", vec![("0001.pdf".into(), rescued.clone())]),
    ]);
    let (archive, report) = ingest(&d);
    assert_eq!(codes(&report, "B-1/"), vec!["corrupt-pdf"]);
    assert_eq!(codes(&report, "B-2/"), vec!["encrypted-pdf"]);
    let reason = &report
        .quarantine
        .iter()
        .find(|q| q.file.starts_with("B-1/"))
        .map(|q| q.reason.clone())
        .unwrap_or_default();
    assert!(reason.contains("docs/delivery.md §6"), "{reason}");
    assert!(
        pdfinfo_pages(&rescued) > 0,
        "poppler opens {}",
        rescued.display()
    );
    assert!(
        codes(&report, "B-3/").is_empty(),
        "{:#?}",
        report.quarantine
    );
    assert_eq!(pages(&archive, "B-3").len(), pdfinfo_pages(&rescued));
}

/// TIFFs as ImageMagick (libtiff) writes them for archives, and JPEG 2000.
#[test]
fn tiff_compressions_multipage_and_jpeg2000() {
    if !have("convert") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let t = |n: &str| tmp.path().join(n).to_string_lossy().into_owned();
    page_png(Path::new(&t("p.png")));
    let p = t("p.png");
    convert(&[&p, "-rotate", "180", &t("q.png")]);
    let variants: Vec<(&str, Vec<String>)> = vec![
        (
            "g4.tif",
            vec![
                p.clone(),
                "-monochrome".into(),
                "-compress".into(),
                "Group4".into(),
            ],
        ),
        (
            "g3.tif",
            vec![
                p.clone(),
                "-monochrome".into(),
                "-compress".into(),
                "Fax".into(),
            ],
        ),
        (
            "jpeg.tif",
            vec![p.clone(), "-compress".into(), "JPEG".into()],
        ),
        (
            "zip-pred.tif",
            vec![
                p.clone(),
                "-compress".into(),
                "Zip".into(),
                "-define".into(),
                "tiff:predictor=2".into(),
            ],
        ),
        (
            "lzw-pred.tif",
            vec![
                p.clone(),
                "-compress".into(),
                "LZW".into(),
                "-define".into(),
                "tiff:predictor=2".into(),
            ],
        ),
        (
            "packbits.tif",
            vec![p.clone(), "-compress".into(), "RLE".into()],
        ),
        ("16bit.tif", vec![p.clone(), "-depth".into(), "16".into()]),
        (
            "cmyk.tif",
            vec![p.clone(), "-colorspace".into(), "CMYK".into()],
        ),
        ("page.jp2", vec![p.clone()]),
        (
            "multi.tif",
            vec![
                p.clone(),
                t("q.png"),
                p.clone(),
                "-compress".into(),
                "LZW".into(),
            ],
        ),
    ];
    let mut dossiers = Vec::new();
    for (i, (name, args)) in variants.iter().enumerate() {
        let out = t(name);
        let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
        a.push(&out);
        convert(&a);
        let ext = name.rsplit_once('.').map(|x| x.1).unwrap_or("tif");
        dossiers.push((
            format!("T-{i}"),
            vec![(format!("0001.{ext}"), PathBuf::from(&out))],
        ));
    }
    let refs: Vec<(&str, Vec<(String, PathBuf)>)> = dossiers
        .iter()
        .map(|(c, f)| (c.as_str(), f.clone()))
        .collect();
    let d = delivery(&refs);
    let (archive, report) = ingest(&d);
    assert!(report.quarantine.is_empty(), "{:#?}", report.quarantine);
    for (i, (name, _)) in variants.iter().enumerate() {
        let ps = pages(&archive, &format!("T-{i}"));
        let want = if *name == "multi.tif" { 3 } else { 1 };
        assert_eq!(ps.len(), want, "{name}");
        for p in &ps {
            assert_eq!(p.size_px, Some((1000, 1400)), "{name}");
            assert!(!p.flags.contains(&PageFlag::Blank), "{name} decoded blank");
            let web = arhiva_ingest::derivatives::web_path(archive.dir(), p);
            assert!(web.is_file(), "{name}: no web image");
        }
        if *name == "multi.tif" {
            assert_eq!(
                ps.iter().map(|p| p.pdf_page).collect::<Vec<_>>(),
                vec![Some(1), Some(2), Some(3)]
            );
            // The middle page is the one drawn upside down.
            let web = |p: &Page| {
                image::open(arhiva_ingest::derivatives::web_path(archive.dir(), p))
                    .expect("web")
                    .to_luma8()
            };
            let (a, b) = (web(&ps[0]), web(&ps[1]));
            let top = |g: &image::GrayImage| g.get_pixel(g.width() / 5, g.height() / 10)[0];
            assert_ne!(top(&a) < 128, top(&b) < 128, "pages 1 and 2 differ");
        }
    }
    // Nothing new the second time (each TIFF page is found in place).
    drop(archive);
    let (_, again) = ingest(&d);
    assert_eq!(again.pages_new, 0);
}

/// Old-style JPEG-in-TIFF (compression 6) from libtiff's picture set:
/// read through ImageMagick when the Rust decoder gives up.
#[test]
fn old_style_jpeg_in_tiff_is_read() {
    let Some(c) = corpus() else { return };
    if !have("convert") {
        return;
    }
    let zack = c.join("images/image-tiff/libtiffpic/zackthecat.tif");
    let d = delivery(&[("O-1", vec![("0001.tif".into(), zack)])]);
    let (archive, report) = ingest(&d);
    assert!(report.quarantine.is_empty(), "{:#?}", report.quarantine);
    let ps = pages(&archive, "O-1");
    assert_eq!(ps.len(), 1);
    assert_eq!(ps[0].size_px, Some((234, 213)));
}

#[test]
fn orientation_is_applied_and_colour_kept() {
    if !have("convert") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let t = |n: &str| tmp.path().join(n).to_string_lossy().into_owned();
    page_png(Path::new(&t("p.png")));
    // Stored on its side, with the tag that says how to turn it upright.
    convert(&[
        &t("p.png"),
        "-rotate",
        "-90",
        "-orient",
        "RightTop",
        "-compress",
        "lzw",
        &t("side.tif"),
    ]);
    convert(&[&t("p.png"), "-quality", "92", &t("colour.jpg")]);
    let d = delivery(&[
        ("R-1", vec![("0001.tif".into(), t("side.tif").into())]),
        ("C-1", vec![("0001.jpg".into(), t("colour.jpg").into())]),
    ]);
    let (archive, report) = ingest(&d);
    assert!(report.quarantine.is_empty(), "{:#?}", report.quarantine);
    let side = &pages(&archive, "R-1")[0];
    assert_eq!(side.size_px, Some((1000, 1400)), "turned upright");
    let web =
        image::open(arhiva_ingest::derivatives::web_path(archive.dir(), side)).expect("web image");
    assert!(web.height() > web.width(), "the web image is upright too");
    let colour = &pages(&archive, "C-1")[0];
    let web = image::open(arhiva_ingest::derivatives::web_path(archive.dir(), colour))
        .expect("web image")
        .to_rgb8();
    // The red stamp (700..900, 1200..1320 of 1000×1400) stays red.
    let (w, h) = web.dimensions();
    let px = web.get_pixel(w * 8 / 10, h * 90 / 100);
    assert!(
        px[0] > 150 && px[1] < 90 && px[2] < 90,
        "stamp lost its colour: {px:?}"
    );
    let thumb = image::open(arhiva_ingest::derivatives::thumbnail_path(
        archive.dir(),
        colour,
    ))
    .expect("thumbnail");
    assert!(thumb.color().has_color());
}

const PAGE_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">
  <Metadata><Creator>OCR-D</Creator><Created>2022-01-01T00:00:00</Created><LastChange>2022-01-01T00:00:00</LastChange></Metadata>
  <Page imageFilename="0001.png" imageWidth="1000" imageHeight="1400">
    <TextRegion id="r0"><Coords points="80,90 900,90 900,200 80,200"/>
      <TextLine id="l0"><Coords points="80,100 700,100 700,120 80,120"/>
        <Word id="w0"><Coords points="80,100 300,100 300,120 80,120"/><TextEquiv conf="0.93"><Unicode>Hotărârea</Unicode></TextEquiv></Word>
        <Word id="w1"><Coords points="320,100 420,100 420,120 320,120"/><TextEquiv conf="0.81"><Unicode>Consiliului</Unicode></TextEquiv></Word>
        <TextEquiv><Unicode>Hotărârea Consiliului</Unicode></TextEquiv>
      </TextLine>
    </TextRegion>
  </Page>
</PcGts>"#;

#[test]
fn page_xml_mets_and_abbyy_sidecars() {
    let tmp = tempfile::tempdir().expect("tmp");
    let t = |n: &str| tmp.path().join(n);
    page_png(&t("p.png"));
    std::fs::write(t("page.xml"), PAGE_XML).expect("write");
    std::fs::write(
        t("mets.xml"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mets:mets xmlns:mets="http://www.loc.gov/METS/" xmlns:xlink="http://www.w3.org/1999/xlink">
  <mets:fileSec><mets:fileGrp USE="IMAGE"><mets:file ID="f1" MIMETYPE="image/png"><mets:FLocat LOCTYPE="URL" xlink:href="0001.png"/></mets:file></mets:fileGrp></mets:fileSec>
  <mets:structMap TYPE="PHYSICAL"><mets:div TYPE="physSequence"><mets:div TYPE="page" ORDER="1"><mets:fptr FILEID="f1"/></mets:div></mets:div></mets:structMap>
</mets:mets>"#,
    )
    .expect("write");
    std::fs::write(
        t("abbyy.xml"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<document xmlns="http://www.abbyy.com/FineReader_xml/FineReader10-schema-v1.xml" version="1.0" producer="FineReader 12" pagesCount="1">
<page width="1000" height="1400" resolution="300" originalCoords="1"><block blockType="Text" l="80" t="100" r="700" b="120"><text><par><line baseline="118" l="80" t="100" r="700" b="120"><formatting lang="Romanian"><charParams l="80" t="100" r="90" b="120">H</charParams></formatting></line></par></text></block></page>
</document>"#,
    )
    .expect("write");
    std::fs::write(t("plain.txt"), "Dispoziția primarului").expect("write");
    let d = delivery(&[
        (
            "X-1",
            vec![
                ("0001.png".into(), t("p.png")),
                ("0001.xml".into(), t("page.xml")),
                ("mets.xml".into(), t("mets.xml")),
            ],
        ),
        (
            "X-2",
            vec![
                ("0001.png".into(), t("p.png")),
                ("0001.xml".into(), t("abbyy.xml")),
            ],
        ),
        // A broken hOCR beside a good .txt: the text comes from the .txt.
        (
            "X-3",
            vec![
                ("0001.png".into(), t("p.png")),
                ("0001.hocr".into(), t("abbyy.xml")),
                ("0001.txt".into(), t("plain.txt")),
            ],
        ),
    ]);
    let (archive, report) = ingest(&d);
    let p = &pages(&archive, "X-1")[0];
    assert_eq!(p.text_source, TextSource::PageXml);
    assert_eq!(text_of(&archive, p), "Hotărârea Consiliului");
    let words: Vec<arhiva_store::WordBox> = serde_json::from_slice(
        &archive
            .objects()
            .get(p.words.as_ref().expect("word boxes"))
            .expect("words"),
    )
    .expect("json");
    assert_eq!(
        (words[1].x, words[1].w, words[1].conf),
        (320, 100, Some(81.0))
    );
    assert!(
        codes(&report, "X-1/").is_empty(),
        "METS is not a broken sidecar: {:#?}",
        report.quarantine
    );
    assert_eq!(report.package_files, vec!["X-1/mets.xml".to_string()]);
    // ABBYY: said honestly, and the page really waits for OCR.
    let q = report
        .quarantine
        .iter()
        .find(|q| q.file == "X-2/0001.xml")
        .expect("abbyy quarantined");
    assert_eq!(q.code, "unsupported-sidecar");
    assert!(
        q.reason.contains("ABBYY") && q.reason.contains("needs OCR"),
        "{}",
        q.reason
    );
    let p = &pages(&archive, "X-2")[0];
    assert!(p.flags.contains(&PageFlag::NeedsOcr), "{:?}", p.flags);
    let q = report
        .quarantine
        .iter()
        .find(|q| q.file == "X-3/0001.hocr")
        .unwrap_or_else(|| panic!("broken hOCR not quarantined: {:#?}", report.quarantine));
    assert!(
        q.reason.contains("comes from its sidecar-txt sidecar"),
        "{}",
        q.reason
    );
    let p = &pages(&archive, "X-3")[0];
    assert_eq!(text_of(&archive, p), "Dispoziția primarului");
}

#[test]
fn wrong_extension_names_the_real_format() {
    if !have("convert") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let t = |n: &str| tmp.path().join(n).to_string_lossy().into_owned();
    page_png(Path::new(&t("p.png")));
    convert(&[&t("p.png"), &t("p.jp2")]);
    convert(&[&t("p.png"), &t("p.bmp")]);
    let d = delivery(&[
        ("W-1", vec![("0001.tif".into(), t("p.jp2").into())]),
        ("W-2", vec![("0001.tif".into(), t("p.bmp").into())]),
        ("W-3", vec![("0001.pdf".into(), t("p.png").into())]),
    ]);
    let (_archive, report) = ingest(&d);
    let reason = |f: &str| {
        report
            .quarantine
            .iter()
            .find(|q| q.file == f)
            .map(|q| (q.code.clone(), q.reason.clone()))
            .unwrap_or_default()
    };
    let (code, r) = reason("W-1/0001.tif");
    assert_eq!(code, "wrong-extension");
    assert!(r.contains("JPEG 2000") && !r.contains("text"), "{r}");
    assert!(r.contains("docs/delivery.md §4"), "{r}");
    assert!(reason("W-2/0001.tif").1.contains("BMP"));
    assert!(reason("W-3/0001.pdf").1.contains("PNG"));
}
