// Copies what tsc does not: node icons, codex files (<Node>.node.json) and workflow templates.
const { src, dest, parallel } = require('gulp');

const assets = () => src(['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}'], { base: '.', encoding: false }).pipe(dest('dist'));
const templates = () => src('templates/**/*.json', { base: '.', allowEmpty: true }).pipe(dest('dist'));

exports.build = parallel(assets, templates);
