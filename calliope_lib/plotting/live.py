class LivePlot: pass
