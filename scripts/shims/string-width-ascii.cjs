// cli-table3's string-width, bundled (scripts/bundle.mjs): a printable-ASCII string is as wide as it is long, which
// is what string-width answers for it too; anything else goes to string-width itself, loaded on first need (its
// first call compiles a large emoji regular expression, ~20–30 ms of every table run otherwise).
const PRINTABLE = /^[\x20-\x7e]*$/
let full
module.exports = text => (typeof text === 'string' && PRINTABLE.test(text) ? text.length : (full ??= require('efsd-real-string-width'))(text))
