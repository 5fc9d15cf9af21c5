// The bot drives Debian's chromium (CHROMIUM_PATH); never download a browser at install time.
module.exports = { skipDownload: true };
