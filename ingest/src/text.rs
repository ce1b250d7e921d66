//! Small text helpers shared by the parsers: decoding delivered bytes
//! (UTF-8 with or without BOM, else Windows-1250 when it is plausible) and
//! folding Romanian letters for tolerant matching.

/// Fold to lowercase ASCII-ish for matching headers and keywords: `ă â`→`a`,
/// `î`→`i`, `ș ş`→`s`, `ț ţ`→`t` (either case). Other characters are kept.
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ă' | 'â' | 'á' | 'à' | 'ã' => 'a',
            'î' | 'í' => 'i',
            'ș' | 'ş' => 's',
            'ț' | 'ţ' => 't',
            'é' | 'è' => 'e',
            'ó' | 'ö' | 'ő' => 'o',
            'ú' | 'ü' | 'ű' => 'u',
            other => other,
        })
        .collect()
}

/// How delivered text bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded {
    /// UTF-8 (a BOM, if any, removed).
    Utf8,
    /// Windows-1250, the Romanian Excel export.
    Windows1250,
}

/// Decode a delivered text: UTF-8 (BOM stripped); else Windows-1250 when the
/// result looks like Romanian text. `None` when it is neither (UTF-16
/// without BOM, binary garbage).
pub fn decode(bytes: &[u8]) -> Option<(String, Decoded)> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(body) {
        if plausible(s) {
            return Some((s.to_string(), Decoded::Utf8));
        }
        return None;
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (enc, _) = encoding_rs::Encoding::for_bom(bytes)?;
        let (s, _, bad) = enc.decode(bytes);
        return (!bad && plausible(&s)).then(|| (s.into_owned(), Decoded::Utf8));
    }
    let (s, _, bad) = encoding_rs::WINDOWS_1250.decode(body);
    if bad || !plausible(&s) {
        return None;
    }
    Some((s.into_owned(), Decoded::Windows1250))
}

/// Text is plausible when control characters (other than whitespace) are
/// rare: UTF-16 read as bytes is full of NULs, binary is full of controls.
fn plausible(s: &str) -> bool {
    let mut total = 0usize;
    let mut bad = 0usize;
    for c in s.chars() {
        total += 1;
        if (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) || c == '\u{fffd}' {
            bad += 1;
        }
    }
    total == 0 || bad * 50 < total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_three_encodings_and_rejects_utf16() {
        let utf8 = "Hotărâre şi ţară".as_bytes();
        assert_eq!(decode(utf8).map(|d| d.1), Some(Decoded::Utf8));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(utf8);
        assert_eq!(decode(&bom).map(|d| d.0), Some("Hotărâre şi ţară".into()));
        let (w, _, _) = encoding_rs::WINDOWS_1250.encode("Hotărâre şi ţară");
        assert_eq!(
            decode(&w),
            Some(("Hotărâre şi ţară".into(), Decoded::Windows1250))
        );
        let utf16: Vec<u8> = "Hotărâre nr. 12"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(decode(&utf16), None);
    }

    #[test]
    fn folds_both_comma_and_cedilla() {
        assert_eq!(fold("Conţinutul ȘI Țară"), "continutul si tara");
    }
}
