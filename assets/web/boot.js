// Loads this build's client; the bundle's name carries its hash (see xtask/src/dist.rs).
import init from '/pkg/%BUNDLE%.js';

init({ module_or_path: '/pkg/%BUNDLE%_bg.wasm' });
