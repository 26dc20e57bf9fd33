//! `embed_migrations!` reads the migrations folder at compile time, but cargo only knows to
//! rebuild for the files it read: a new migration folder would not be embedded until something
//! else changed. Watching the folder itself makes every added, changed or removed migration
//! rebuild the crate.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
