// Charts: recharts behind one small wrapper so every chart in the app reads the same way.
// - palette.ts: the charts' view of src/shared/theme.ts (light/dark), categoryColor(name), textOn(fill).
// - ByteBarChart: bars of byte sizes, bytes-formatted axis and tooltips, selection outline.
// - ByteTreemap: two-level treemap of byte sizes with labels, tooltips (path, exact bytes),
//   click-to-open and an onPainted callback for performance marks.
// - ChartTooltipBox / LegendItem: the tooltip and legend look, for custom charts.
// Use chartPalette(useResolvedTheme()) for colours; never hard-code them in a screen.
export { ByteBarChart, LegendItem, type ByteBar, type ByteBarChartProps } from './ByteBarChart'
export { ByteTreemap, type ByteTreemapNode, type ByteTreemapProps, type TileParts } from './ByteTreemap'
export { ChartTooltipBox } from './ChartTooltip'
export { categoryColor, chartPalette, type ChartPalette } from './palette'
