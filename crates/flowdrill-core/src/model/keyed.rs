//! Maps written as JSON objects whose keys must be unique (roles, attributes, calendars).

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use indexmap::IndexMap;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// An insertion-ordered map from ids to items. Unlike a plain JSON object, reading one
/// rejects a key that appears twice instead of silently keeping the last.
#[derive(Debug, Clone, PartialEq)]
pub struct Keyed<V>(pub IndexMap<String, V>);

impl<V> Default for Keyed<V> {
    fn default() -> Self {
        Keyed(IndexMap::new())
    }
}

impl<V> Keyed<V> {
    /// True when there are no entries (used to leave empty sections out of the file).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The keys, in document order.
    pub fn ids(&self) -> Vec<&str> {
        self.0.keys().map(String::as_str).collect()
    }
}

impl<V> Deref for Keyed<V> {
    type Target = IndexMap<String, V>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<V> DerefMut for Keyed<V> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<V> FromIterator<(String, V)> for Keyed<V> {
    fn from_iter<T: IntoIterator<Item = (String, V)>>(iter: T) -> Self {
        Keyed(iter.into_iter().collect())
    }
}

impl<V: Serialize> Serialize for Keyed<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Keyed<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyedVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for KeyedVisitor<V> {
            type Value = Keyed<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of named entries")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keyed<V>, A::Error> {
                let mut out = IndexMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    if out.contains_key(&key) {
                        return Err(de::Error::custom(format!(
                            "duplicate key \"{key}\"; each id may appear once"
                        )));
                    }
                    if key.trim().is_empty() {
                        return Err(de::Error::custom("an id may not be empty"));
                    }
                    let v = map.next_value()?;
                    out.insert(key, v);
                }
                Ok(Keyed(out))
            }
        }
        d.deserialize_map(KeyedVisitor(PhantomData))
    }
}

/// One id or a list of ids: `"legal"` or `["legal", "corp-comms"]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ids(pub Vec<String>);

impl Ids {
    /// True when there are no ids.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Deref for Ids {
    type Target = Vec<String>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Serialize for Ids {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => s.serialize_str(one),
            many => many.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Ids {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct IdsVisitor;
        impl<'de> Visitor<'de> for IdsVisitor {
            type Value = Ids;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an id or a list of ids")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Ids, E> {
                Ok(Ids(vec![v.to_string()]))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Ids, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(Ids(out))
            }
        }
        d.deserialize_any(IdsVisitor)
    }
}

/// A part of the format that is written only as a JSON object, never as a positional array.
pub trait ObjectShape {
    /// What the part looks like, for the error when something else is written, e.g.
    /// `an object {id, kind, …}`.
    const EXPECTING: &'static str;
}

/// `T`, read from a JSON object only: an array (or any other value) is refused with
/// [`ObjectShape::EXPECTING`].
struct ObjectOnly<T>(T);

impl<'de, T: Deserialize<'de> + ObjectShape> Deserialize<'de> for ObjectOnly<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        object_only(d).map(ObjectOnly)
    }
}

/// Reads `T` from a JSON object only (no positional arrays): for `deserialize_with`.
pub fn object_only<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + ObjectShape,
{
    struct ObjectVisitor<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de> + ObjectShape> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_map(ObjectVisitor(PhantomData))
}

/// Reads a [`Keyed`] section whose values are objects only: for `deserialize_with`.
pub fn keyed_objects<'de, D, V>(d: D) -> Result<Keyed<V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de> + ObjectShape,
{
    let k = Keyed::<ObjectOnly<V>>::deserialize(d)?;
    Ok(k.0.into_iter().map(|(id, v)| (id, v.0)).collect())
}

/// Reads a map of ids to objects-only values: for `deserialize_with`.
pub fn map_of_objects<'de, D, V>(d: D) -> Result<IndexMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de> + ObjectShape,
{
    let m = IndexMap::<String, ObjectOnly<V>>::deserialize(d)?;
    Ok(m.into_iter().map(|(id, v)| (id, v.0)).collect())
}
