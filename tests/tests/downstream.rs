//! The README's library example is the downstream crate's `main.rs` (which `.ci/run` builds and
//! runs outside the workspace), so the example a user copies is the one that is run.

#[test]
fn readme_example_is_the_downstream_crate() {
    let readme = include_str!("../../README.md");
    let section = readme.split("## As a library").nth(1).unwrap();
    let example = section.split("```rust\n").nth(1).unwrap().split("```").next().unwrap();
    assert_eq!(example, include_str!("../downstream/src/main.rs"));
    let toml = section.split("```toml\n").nth(1).unwrap().split("```").next().unwrap();
    assert!(toml.contains("amber = { package = \"amber-ml\""), "{toml}");
    let manifest = include_str!("../downstream/Cargo.toml");
    assert!(manifest.contains("amber = { package = \"amber-ml\", path = \"../../crates/amber\" }"));
    assert!(!manifest.contains("features ="), "the downstream crate uses the default features only");
}
