//! OCR sidecars as a vendor delivers them: plain `.txt`, hOCR (HTML with
//! `ocrx_word` spans carrying `bbox` and `x_wconf`) and ALTO XML (`String`
//! elements with `HPOS VPOS WIDTH HEIGHT CONTENT WC`). The word boxes and
//! confidences are kept so the viewer can highlight hits on the scan.
//!
//! Both XML forms are read with quick-xml as a stream, leniently (end tags
//! are not checked: real hOCR is often HTML rather than XHTML).

use arhiva_store::WordBox;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::text::decode;

/// Text read from a sidecar.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageText {
    /// Lines joined with `\n`, words with a space.
    pub text: String,
    /// Word boxes (empty for `.txt`).
    pub words: Vec<WordBox>,
    /// Mean word confidence, 0-100, when the source gives any.
    pub confidence: Option<f32>,
}

/// Why a sidecar could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SidecarProblem {
    /// Stable code: `unreadable-encoding` or `malformed-sidecar`.
    pub code: &'static str,
    /// For people.
    pub reason: String,
}

/// Read a `.txt` sidecar.
pub fn parse_txt(bytes: &[u8]) -> Result<PageText, SidecarProblem> {
    match decode(bytes) {
        Some((text, _)) => Ok(PageText {
            text: text.replace("\r\n", "\n"),
            ..PageText::default()
        }),
        None => Err(SidecarProblem {
            code: "unreadable-encoding",
            reason: "sidecar is neither UTF-8 nor Windows-1250 text (UTF-16 or binary?)".into(),
        }),
    }
}

fn xml_text(bytes: &[u8], what: &str) -> Result<String, SidecarProblem> {
    match decode(bytes) {
        Some((s, _)) => Ok(s),
        None => Err(SidecarProblem {
            code: "unreadable-encoding",
            reason: format!("{what} sidecar is not UTF-8 text"),
        }),
    }
}

fn malformed(what: &str, e: impl std::fmt::Display) -> SidecarProblem {
    SidecarProblem {
        code: "malformed-sidecar",
        reason: format!("{what} sidecar does not parse: {e}"),
    }
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.as_ref().eq_ignore_ascii_case(name)).then(|| {
            a.unescape_value()
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned())
        })
    })
}

/// Lines of words → text, mean confidence.
fn assemble(lines: Vec<Vec<WordBox>>) -> PageText {
    let mut text = String::new();
    let mut words = Vec::new();
    for line in lines {
        if line.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        let joined: Vec<&str> = line.iter().map(|w| w.text.as_str()).collect();
        text.push_str(&joined.join(" "));
        words.extend(line);
    }
    let confs: Vec<f32> = words.iter().filter_map(|w| w.conf).collect();
    let confidence = (!confs.is_empty()).then(|| confs.iter().sum::<f32>() / confs.len() as f32);
    PageText {
        text,
        words,
        confidence,
    }
}

/// Read an hOCR sidecar.
pub fn parse_hocr(bytes: &[u8]) -> Result<PageText, SidecarProblem> {
    let src = xml_text(bytes, "hOCR")?;
    let mut reader = Reader::from_str(&src);
    reader.config_mut().check_end_names = false;
    let mut lines: Vec<Vec<WordBox>> = Vec::new();
    let mut word: Option<(WordBox, Vec<u8>, usize)> = None;
    let mut pages = 0usize;
    loop {
        match reader.read_event() {
            Err(e) => return Err(malformed("hOCR", e)),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                let class = attr(&e, b"class").unwrap_or_default();
                if let Some((_, name, depth)) = word.as_mut() {
                    if e.name().as_ref() == name.as_slice() {
                        *depth += 1;
                    }
                    continue;
                }
                if class.contains("ocr_page") {
                    pages += 1;
                }
                if class.contains("ocr_line")
                    || class.contains("ocr_textfloat")
                    || class.contains("ocr_header")
                    || class.contains("ocr_caption")
                {
                    lines.push(Vec::new());
                } else if class.contains("ocrx_word") || class.contains("ocr_word") {
                    let title = attr(&e, b"title").unwrap_or_default();
                    word = Some((title_box(&title), e.name().as_ref().to_vec(), 0));
                }
            }
            Ok(Event::Text(t)) => {
                if let Some((w, _, _)) = word.as_mut() {
                    let s = t
                        .unescape()
                        .map(|c| c.into_owned())
                        .unwrap_or_else(|_| String::from_utf8_lossy(&t).into_owned());
                    w.text.push_str(&s);
                }
            }
            Ok(Event::End(e)) => {
                let done = match word.as_mut() {
                    Some((_, name, depth)) if e.name().as_ref() == name.as_slice() => {
                        if *depth == 0 {
                            true
                        } else {
                            *depth -= 1;
                            false
                        }
                    }
                    _ => false,
                };
                if done {
                    if let Some((mut w, _, _)) = word.take() {
                        w.text = w.text.split_whitespace().collect::<Vec<_>>().join(" ");
                        if !w.text.is_empty() {
                            if lines.is_empty() {
                                lines.push(Vec::new());
                            }
                            if let Some(l) = lines.last_mut() {
                                l.push(w);
                            }
                        }
                    }
                }
            }
            Ok(_) => {}
        }
    }
    if pages == 0 && lines.is_empty() {
        return Err(malformed("hOCR", "no ocr_page or ocrx_word elements"));
    }
    Ok(assemble(lines))
}

/// `bbox 253 241 423 276; x_wconf 86` → a box (text filled in later).
fn title_box(title: &str) -> WordBox {
    let mut w = WordBox {
        text: String::new(),
        x: 0,
        y: 0,
        w: 0,
        h: 0,
        conf: None,
    };
    for part in title.split(';') {
        let mut it = part.split_whitespace();
        match it.next() {
            Some("bbox") => {
                let n: Vec<u32> = it.filter_map(|v| v.parse().ok()).collect();
                if let [x0, y0, x1, y1] = n[..] {
                    w.x = x0;
                    w.y = y0;
                    w.w = x1.saturating_sub(x0);
                    w.h = y1.saturating_sub(y0);
                }
            }
            Some("x_wconf") => {
                w.conf = it
                    .next()
                    .and_then(|v| v.parse::<f32>().ok())
                    .filter(|c| c.is_finite())
                    .map(|c| c.clamp(0.0, 100.0));
            }
            _ => {}
        }
    }
    w
}

/// Read an ALTO sidecar (v2-v4).
pub fn parse_alto(bytes: &[u8]) -> Result<PageText, SidecarProblem> {
    let src = xml_text(bytes, "ALTO")?;
    let mut reader = Reader::from_str(&src);
    reader.config_mut().check_end_names = false;
    let mut lines: Vec<Vec<WordBox>> = Vec::new();
    let mut saw_alto = false;
    let num = |e: &BytesStart<'_>, n: &[u8]| -> u32 {
        attr(e, n)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
            .map(|v| v.round().min(u32::MAX as f64) as u32)
            .unwrap_or(0)
    };
    loop {
        let ev = match reader.read_event() {
            Err(e) => return Err(malformed("ALTO", e)),
            Ok(Event::Eof) => break,
            Ok(ev) => ev,
        };
        let (Event::Start(e) | Event::Empty(e)) = ev else {
            continue;
        };
        let local = e.local_name();
        match local.as_ref() {
            b"alto" => saw_alto = true,
            b"TextLine" => lines.push(Vec::new()),
            b"String" => {
                let text = attr(&e, b"CONTENT").unwrap_or_default();
                if text.trim().is_empty() {
                    continue;
                }
                let conf = attr(&e, b"WC")
                    .and_then(|v| v.trim().parse::<f32>().ok())
                    .filter(|c| c.is_finite())
                    .map(|c| (c * 100.0).clamp(0.0, 100.0));
                let w = WordBox {
                    text: text.trim().to_string(),
                    x: num(&e, b"HPOS"),
                    y: num(&e, b"VPOS"),
                    w: num(&e, b"WIDTH"),
                    h: num(&e, b"HEIGHT"),
                    conf,
                };
                if lines.is_empty() {
                    lines.push(Vec::new());
                }
                if let Some(l) = lines.last_mut() {
                    l.push(w);
                }
            }
            _ => {}
        }
    }
    if !saw_alto {
        return Err(malformed("ALTO", "no <alto> root element"));
    }
    Ok(assemble(lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hocr_words_boxes_and_confidence() {
        let h = r#"<html><body><div class='ocr_page' title='bbox 0 0 100 100'>
            <span class='ocr_line'><span class='ocrx_word' title='bbox 1 2 11 12; x_wconf 90'>STAT</span>
            <span class='ocrx_word' title='bbox 20 2 40 12; x_wconf 80'><strong>DE</strong></span></span>
            <span class='ocr_line'><span class='ocrx_word' title='bbox 1 20 30 32; x_wconf 70'>PLATĂ</span></span>
            </div></body></html>"#;
        let t = parse_hocr(h.as_bytes()).expect("hocr");
        assert_eq!(t.text, "STAT DE\nPLATĂ");
        assert_eq!(t.words[1].x, 20);
        assert_eq!(t.words[1].w, 20);
        assert_eq!(t.confidence, Some(80.0));
    }

    #[test]
    fn alto_strings() {
        let a = r#"<?xml version="1.0"?><alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page><PrintSpace>
            <TextBlock><TextLine><String CONTENT="Hotărârea" HPOS="10" VPOS="20" WIDTH="30" HEIGHT="8" WC="0.9"/><SP/>
            <String CONTENT="nr." HPOS="45" VPOS="20" WIDTH="10" HEIGHT="8" WC="0.7"/></TextLine>
            <TextLine><String CONTENT="12"/></TextLine></TextBlock></PrintSpace></Page></Layout></alto>"#;
        let t = parse_alto(a.as_bytes()).expect("alto");
        assert_eq!(t.text, "Hotărârea nr.\n12");
        assert_eq!(t.words[0].conf, Some(90.0));
        assert!(parse_alto(b"<html>nope</html>").is_err());
    }

    #[test]
    fn utf16_txt_is_unreadable() {
        let b: Vec<u8> = "Stat de plata"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(
            parse_txt(&b).map_err(|e| e.code),
            Err("unreadable-encoding")
        );
    }
}
