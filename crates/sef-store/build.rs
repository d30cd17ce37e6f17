//! Rebuilds the crate when a migration is added: `sqlx::migrate!` embeds
//! the `migrations/` directories at compile time, and cargo would not
//! otherwise notice a new file in them.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
