//! What a user sees when a network is wired wrong: compile errors, snapshotted under
//! `tests/ui/fail/*.stderr`; and `pass` cases that build and run, so checks made at
//! monomorphization time run too.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
