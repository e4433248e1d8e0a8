//! Numeric CSV text into fixed-width samples and a label column.

use alloc::vec::Vec;
use core::fmt;

use crate::Scalar;

/// Whether the first line of the text names the columns.
///
/// ```
/// use constnet::data::{Header, parse_labeled_csv};
/// let with = parse_labeled_csv::<f32, 1>("x,y\n1,0\n", Header::Present)?;
/// let without = parse_labeled_csv::<f32, 1>("1,0\n", Header::Absent)?;
/// assert_eq!(with, without);
/// # Ok::<(), constnet::data::CsvError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Header {
    /// The first line is a header and is skipped.
    Present,
    /// Every line is data.
    Absent,
}

/// Samples of `N` features with one label (or regression target) each.
///
/// ```
/// use constnet::data::{Header, Labeled, one_hot_all, parse_labeled_csv};
/// let data: Labeled<f32, 2> = parse_labeled_csv("x1,x2,class\n0.5,1.0,1\n0.0,0.2,0\n", Header::Present)?;
/// let targets = one_hot_all::<f32, 2>(&data.labels).unwrap();
/// assert_eq!(targets, vec![[0.0, 1.0], [1.0, 0.0]]);
/// # Ok::<(), constnet::data::CsvError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Labeled<T, const N: usize> {
    /// One row of features per sample.
    pub features: Vec<[T; N]>,
    /// The last column of each row.
    pub labels: Vec<T>,
}

impl<T: Scalar, const N: usize> Labeled<T, N> {
    /// Samples from rows of features and a label each, from wherever they come: the `csv`
    /// crate with serde for real files (quoted fields, text labels, other separators), a
    /// database, a generator. Each row must have `N` finite features; an error names the row
    /// (as `line`, from 1) and the column.
    ///
    /// ```
    /// use constnet::data::Labeled;
    ///
    /// // What `csv::Reader::deserialize` gives for rows like `5.1,3.5,1.4,0.2,"Iris-setosa"`.
    /// let records = [
    ///     (vec![5.1f32, 3.5, 1.4, 0.2], "Iris-setosa"),
    ///     (vec![7.0, 3.2, 4.7, 1.4], "Iris-versicolor"),
    /// ];
    /// let classes = ["Iris-setosa", "Iris-versicolor", "Iris-virginica"];
    /// let data = Labeled::<f32, 4>::from_rows(records.iter().map(|(features, species)| {
    ///     let class = classes.iter().position(|c| c == species).unwrap_or(usize::MAX);
    ///     (features, class as f32)
    /// }))?;
    /// assert_eq!(data.labels, vec![0.0, 1.0]);
    /// assert_eq!(data.features[1], [7.0, 3.2, 4.7, 1.4]);
    ///
    /// let short = Labeled::<f32, 4>::from_rows([(vec![1.0f32, 2.0], 0.0)]).unwrap_err();
    /// assert_eq!(short.line, 1);
    /// # Ok::<(), constnet::data::CsvError>(())
    /// ```
    pub fn from_rows<R: AsRef<[T]>>(
        rows: impl IntoIterator<Item = (R, T)>,
    ) -> Result<Self, CsvError> {
        let mut data = Self::default();
        for (index, (features, label)) in rows.into_iter().enumerate() {
            let line = index + 1;
            let features = features.as_ref();
            let row: [T; N] = features.try_into().map_err(|_| CsvError {
                line,
                column: 0,
                kind: CsvErrorKind::WrongWidth {
                    expected: N + 1,
                    found: features.len() + 1,
                },
            })?;
            let not_finite = row.iter().chain([&label]).position(|v| !v.is_finite());
            if let Some(at) = not_finite {
                return Err(CsvError {
                    line,
                    column: at + 1,
                    kind: CsvErrorKind::NotFinite,
                });
            }
            data.features.push(row);
            data.labels.push(label);
        }
        Ok(data)
    }
}

/// What is wrong with a line of CSV text.
///
/// ```
/// use constnet::data::{CsvErrorKind, Header, parse_labeled_csv};
/// let error = parse_labeled_csv::<f32, 2>("1,2,0\n1,2\n", Header::Absent).unwrap_err();
/// assert_eq!(error.kind, CsvErrorKind::WrongWidth { expected: 3, found: 2 });
/// let error = parse_labeled_csv::<f32, 1>("nan,0\n", Header::Absent).unwrap_err();
/// assert_eq!(error.kind, CsvErrorKind::NotFinite);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CsvErrorKind {
    /// The line has another number of fields than the `N` features plus one label expected.
    WrongWidth {
        /// Fields expected (`N + 1`).
        expected: usize,
        /// Fields found.
        found: usize,
    },
    /// A field is not a number.
    NotANumber(alloc::string::String),
    /// A field is NaN or infinite.
    NotFinite,
    /// The text has no data lines.
    NoRows,
}

/// A line of CSV text that cannot become a sample, with where it is.
///
/// ```
/// use constnet::data::{Header, parse_labeled_csv};
/// let error = parse_labeled_csv::<f32, 2>("a,b,c\n1,2,0\n3,oops,1\n", Header::Present).unwrap_err();
/// assert_eq!(error.to_string(), "line 3, column 2: \"oops\" is not a number");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvError {
    /// Line number, from 1 (0 when the text has no data lines).
    pub line: usize,
    /// Column number, from 1 (0 when the whole line is wrong).
    pub column: usize,
    /// What is wrong.
    pub kind: CsvErrorKind,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            CsvErrorKind::WrongWidth { expected, found } => write!(
                f,
                "line {}: {found} fields, expected {expected} ({} features and a label)",
                self.line,
                expected - 1
            ),
            CsvErrorKind::NotANumber(field) => {
                write!(
                    f,
                    "line {}, column {}: {field:?} is not a number",
                    self.line, self.column
                )
            }
            CsvErrorKind::NotFinite => {
                write!(
                    f,
                    "line {}, column {}: NaN or infinite value",
                    self.line, self.column
                )
            }
            CsvErrorKind::NoRows => write!(f, "no data lines"),
        }
    }
}

impl core::error::Error for CsvError {}

/// Parses comma-separated numbers, `N` features then a label per line (blank lines are
/// skipped), into [`Labeled`] samples.
///
/// Every field, the label too, must be a number (a class label is its index: `0`, `1`, ...),
/// with no quoting: this reads the bundled data sets and files like them. For real-world CSV
/// (text labels, quoted fields, other separators), read the rows with the `csv` crate and
/// serde and build the samples with [`Labeled::from_rows`].
///
/// ```
/// use constnet::data::{parse_labeled_csv, Header};
/// let data = parse_labeled_csv::<f32, 2>("a,b,label\n1,2,0\n3,4.5,1\n", Header::Present)?;
/// assert_eq!(data.features, vec![[1.0, 2.0], [3.0, 4.5]]);
/// assert_eq!(data.labels, vec![0.0, 1.0]);
///
/// let err = parse_labeled_csv::<f32, 2>("1,2,0\n3,x,1\n", Header::Absent).unwrap_err();
/// assert_eq!((err.line, err.column), (2, 2));
/// # Ok::<(), constnet::data::CsvError>(())
/// ```
pub fn parse_labeled_csv<T: Scalar, const N: usize>(
    text: &str,
    header: Header,
) -> Result<Labeled<T, N>, CsvError> {
    let mut data = Labeled {
        features: Vec::new(),
        labels: Vec::new(),
    };
    let skip = usize::from(header == Header::Present);
    for (index, line) in text.lines().enumerate().skip(skip) {
        let line_no = index + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let found = line.split(',').count();
        if found != N + 1 {
            return Err(CsvError {
                line: line_no,
                column: 0,
                kind: CsvErrorKind::WrongWidth {
                    expected: N + 1,
                    found,
                },
            });
        }
        let mut row = [T::zero(); N];
        let mut label = T::zero();
        for (column, field) in line.split(',').enumerate() {
            let field = field.trim();
            let value: f64 = field.parse().map_err(|_| CsvError {
                line: line_no,
                column: column + 1,
                kind: CsvErrorKind::NotANumber(field.into()),
            })?;
            // Finite in f64 but not in `T` (1e39 in f32) is not finite either.
            if !value.is_finite() || !T::from_f64(value).is_finite() {
                return Err(CsvError {
                    line: line_no,
                    column: column + 1,
                    kind: CsvErrorKind::NotFinite,
                });
            }
            match row.get_mut(column) {
                Some(slot) => *slot = T::from_f64(value),
                None => label = T::from_f64(value),
            }
        }
        data.features.push(row);
        data.labels.push(label);
    }
    if data.features.is_empty() {
        return Err(CsvError {
            line: 0,
            column: 0,
            kind: CsvErrorKind::NoRows,
        });
    }
    Ok(data)
}
