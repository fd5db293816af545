//! serde for [`Diagram`] and [`PersistencePair`]: the JSON diagram format
//! of the crate docs (`{"dim": 0, "pairs": [[b, d], ...]}`, infinities as
//! the strings `"inf"` and `"-inf"`).
//!
//! Written by hand rather than derived because JSON has no infinity: a
//! pair is a 2-element array whose values are numbers or those two strings.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, SerializeTuple, Serializer};
use serde::{Deserialize, Serialize};

use crate::diagram::{Diagram, PersistencePair};

/// One value of a pair: a finite number, or `+-inf` as a string.
struct Value(f64);

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.is_finite() {
            s.serialize_f64(v)
        } else if v == f64::INFINITY {
            s.serialize_str("inf")
        } else if v == f64::NEG_INFINITY {
            s.serialize_str("-inf")
        } else {
            Err(ser::Error::custom(
                "a persistence pair holds NaN, which the diagram format cannot represent",
            ))
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"a number, "inf" or "-inf""#)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
                if v.is_nan() {
                    return Err(E::custom("NaN is not a valid birth or death"));
                }
                Ok(Value(v))
            }
            #[allow(clippy::cast_precision_loss)] // rounded to nearest, as a JSON number is read
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
                Ok(Value(v as f64))
            }
            #[allow(clippy::cast_precision_loss)] // rounded to nearest, as a JSON number is read
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
                Ok(Value(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
                match v {
                    "inf" => Ok(Value(f64::INFINITY)),
                    "-inf" => Ok(Value(f64::NEG_INFINITY)),
                    _ if v.eq_ignore_ascii_case("nan") => {
                        Err(E::custom("NaN is not a valid birth or death"))
                    }
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// `[birth, death]`, infinities as `"inf"` / `"-inf"`.
///
/// # Errors
/// Serializing a pair that holds NaN fails: the format cannot represent it.
impl Serialize for PersistencePair {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(2)?;
        t.serialize_element(&Value(self.birth))?;
        t.serialize_element(&Value(self.death))?;
        t.end()
    }
}

/// Reads `[birth, death]`: exactly two values, each a number, `"inf"` or
/// `"-inf"`; the birth must be finite, and NaN (`"nan"`) is refused.
impl<'de> Deserialize<'de> for PersistencePair {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PersistencePair;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a pair [birth, death]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PersistencePair, A::Error> {
                let Value(birth) = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let Value(death) = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    let mut n = 3;
                    while seq.next_element::<IgnoredAny>()?.is_some() {
                        n += 1;
                    }
                    return Err(de::Error::invalid_length(n, &self));
                }
                if !birth.is_finite() {
                    return Err(de::Error::custom(format!(
                        "the birth {birth} is not finite (only deaths may be infinite)"
                    )));
                }
                Ok(PersistencePair::new(birth, death))
            }
        }
        d.deserialize_tuple(2, V)
    }
}

/// The serialized form of a diagram, borrowed.
#[derive(Serialize)]
struct DiagramRef<'a> {
    dim: usize,
    pairs: &'a [PersistencePair],
}

/// `{"dim": <dim>, "pairs": [[b, d], ...]}` in the diagram's order.
///
/// # Errors
/// Serializing a diagram with a NaN value fails: the format cannot represent it.
impl Serialize for Diagram {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        DiagramRef {
            dim: self.dim,
            pairs: &self.pairs,
        }
        .serialize(s)
    }
}

/// Reads `{"dim": <non-negative integer>, "pairs": [...]}` (both keys
/// required, no others); the pairs are sorted into canonical order as by
/// [`Diagram::new`].
impl<'de> Deserialize<'de> for Diagram {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["dim", "pairs"];
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Diagram;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"a diagram {"dim": <integer>, "pairs": [[birth, death], ...]}"#)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Diagram, A::Error> {
                let mut dim: Option<usize> = None;
                let mut pairs: Option<Vec<PersistencePair>> = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match key.as_ref() {
                        "dim" if dim.is_none() => dim = Some(map.next_value()?),
                        "pairs" if pairs.is_none() => pairs = Some(map.next_value()?),
                        "dim" | "pairs" => {
                            return Err(de::Error::duplicate_field(
                                FIELDS[usize::from(key.as_ref() == "pairs")],
                            ))
                        }
                        other => return Err(de::Error::unknown_field(other, FIELDS)),
                    }
                }
                let dim = dim.ok_or_else(|| de::Error::missing_field("dim"))?;
                let pairs = pairs.ok_or_else(|| de::Error::missing_field("pairs"))?;
                Ok(Diagram::new(dim, pairs))
            }
        }
        d.deserialize_struct("Diagram", FIELDS, V)
    }
}
