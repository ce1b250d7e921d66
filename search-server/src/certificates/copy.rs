//! Certified copies ("copii conforme cu originalul"): one PDF page per
//! archive page, with the scan (or, for a page without an image, its
//! text), the "conform cu originalul" stamp naming the request and the
//! page, and the reference at the head and the foot of every page.

use time::Date;

use crate::certificates::deadline::ro_date;
use crate::certificates::documents::{Letterhead, BOTTOM, LEFT, RIGHT};
use crate::certificates::error::Result;
use crate::certificates::model::{Clerk, Request};
use crate::certificates::pdf::{Face, Pdf, HEIGHT, WIDTH};

/// A page chosen for a certified copy, read from the archive.
#[derive(Debug, Clone)]
pub struct CopyPage {
    /// Dossier.
    pub cota: String,
    /// Page ordinal.
    pub page: u32,
    /// The dossier's title.
    pub title: String,
    /// The scan, as JPEG, when the page has an image.
    pub jpeg: Option<Vec<u8>>,
    /// The page's text (printed when there is no image).
    pub text: Option<String>,
}

/// Certified copies of `pages`: each page carries the scan (or its text),
/// the "conform cu originalul" note, the request number and the page
/// reference.
pub fn certified_copy_pdf(
    head: &Letterhead,
    r: &Request,
    pages: &[CopyPage],
    on: Date,
    by: &Clerk,
) -> Result<Vec<u8>> {
    let number = r.number.to_string();
    let by = if by.function.is_empty() {
        by.name.clone()
    } else {
        format!("{}, {}", by.name, by.function)
    };
    let mut pdf = Pdf::new(&format!("Copie conformă, cererea nr. {number}"))?;
    let stamp_h = 62.0;
    for (i, cp) in pages.iter().enumerate() {
        if i > 0 {
            pdf.new_page();
        }
        pdf.text(
            Face::Regular,
            LEFT,
            HEIGHT - 36.0,
            8.0,
            &format!("{} · {}", head.institution, head.service),
        );
        pdf.text_right(
            Face::Bold,
            RIGHT,
            HEIGHT - 36.0,
            8.0,
            &format!("Dosar {}, pagina {}", cp.cota, cp.page),
        );
        let (bx, by_, bw, bh) = (
            LEFT,
            BOTTOM + stamp_h + 12.0,
            RIGHT - LEFT,
            HEIGHT - 48.0 - (BOTTOM + stamp_h + 12.0),
        );
        match (&cp.jpeg, &cp.text) {
            (Some(jpeg), _) => {
                let (w, h) = jpeg_size(jpeg).unwrap_or((1, 1));
                let scale = (bw / w as f32).min(bh / h as f32);
                let (dw, dh) = (w as f32 * scale, h as f32 * scale);
                pdf.jpeg(jpeg.clone(), bx + (bw - dw) / 2.0, by_ + (bh - dh), dw, dh)?;
                pdf.rect(bx + (bw - dw) / 2.0, by_ + (bh - dh), dw, dh, 0.3);
            }
            (None, Some(text)) => {
                pdf.rect(bx, by_, bw, bh, 0.3);
                let size = 8.5;
                let mut y = by_ + bh - 16.0;
                'outer: for line in text.lines() {
                    for l in pdf.wrap(Face::Regular, line, size, bw - 20.0) {
                        if y < by_ + 10.0 {
                            pdf.text(Face::Regular, bx + 10.0, y, size, "[…]");
                            break 'outer;
                        }
                        pdf.text(Face::Regular, bx + 10.0, y, size, &l);
                        y -= size * 1.35;
                    }
                }
            }
            (None, None) => {
                pdf.rect(bx, by_, bw, bh, 0.3);
                pdf.text_centered(
                    Face::Regular,
                    WIDTH / 2.0,
                    by_ + bh / 2.0,
                    10.0,
                    "(pagină fără imagine sau text)",
                );
            }
        }
        // The stamp.
        let (sx, sy, sw) = (RIGHT - 250.0, BOTTOM, 250.0);
        pdf.rect(sx, sy, sw, stamp_h, 1.2);
        pdf.text_centered(
            Face::Bold,
            sx + sw / 2.0,
            sy + stamp_h - 16.0,
            11.0,
            "CONFORM CU ORIGINALUL",
        );
        pdf.text_centered(
            Face::Regular,
            sx + sw / 2.0,
            sy + stamp_h - 31.0,
            8.5,
            &format!(
                "Cererea nr. {number} · dosar {}, pagina {}",
                cp.cota, cp.page
            ),
        );
        pdf.text_centered(
            Face::Regular,
            sx + sw / 2.0,
            sy + stamp_h - 44.0,
            8.5,
            &format!("{} · {}", head.service, ro_date(on)),
        );
        pdf.text_centered(
            Face::Regular,
            sx + sw / 2.0,
            sy + 7.0,
            8.0,
            &format!("Întocmit: {by}"),
        );
        let title: String = cp.title.chars().take(70).collect();
        pdf.text(Face::Regular, LEFT, BOTTOM + 40.0, 8.0, &title);
    }
    pdf.finish(move |p, i, n| {
        p.line(LEFT, 44.0, RIGHT, 44.0, 0.3);
        p.text(
            Face::Regular,
            LEFT,
            32.0,
            7.5,
            &format!(
                "Copie conformă cu originalul · cererea nr. {number} din {}",
                ro_date(r.registered)
            ),
        );
        p.text_right(
            Face::Regular,
            RIGHT,
            32.0,
            7.5,
            &format!("fila {i} din {n}"),
        );
    })
}

fn jpeg_size(b: &[u8]) -> Option<(u32, u32)> {
    image::ImageReader::with_format(std::io::Cursor::new(b), image::ImageFormat::Jpeg)
        .into_dimensions()
        .ok()
}
