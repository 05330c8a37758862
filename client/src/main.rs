//! Mounts the application on the page.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(atelier_client::App);
}
