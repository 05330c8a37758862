//! Browser tests (written with the client).
