'use strict';
// plotly.js with the trace types Regularisation Lab draws (ui/canvas.py PLOTLY_JS_TRACES):
// scatter (always in the core), bar and image.
var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/image')]);

module.exports = Plotly;
