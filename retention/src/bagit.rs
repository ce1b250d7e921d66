//! BagIt
