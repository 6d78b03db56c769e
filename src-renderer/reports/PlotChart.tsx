import * as Plot from '@observablehq/plot';
import { useEffect, useRef } from 'react';

/**
 * One chart, drawn by Observable Plot as SVG: crisp on a 2560×1440 screen and on A4 paper, and
 * static (no hover needed to read it). The numbers are in the table beside it, so the chart itself
 * is one image with a name for screen readers.
 */
/** Plot's class name for the charts and their legends (styles.css holds the rules it would inline). */
const PLOT_CLASS = 'plot';

/** `minWidth`: the narrowest drawing (a sparkline in a team's card is narrower than a chart); CSS scales it to its box. */
export function PlotChart({
  options,
  label,
  minWidth = 280,
  className = '',
}: {
  options: Plot.PlotOptions;
  label: string;
  minWidth?: number;
  className?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = ref.current;
    if (!host) return;
    const width = Math.max(minWidth, Math.min(720, host.clientWidth || 560));
    const chart = Plot.plot({ width, height: 260, marginLeft: 56, className: PLOT_CLASS, style: { fontSize: '13px', background: 'transparent' }, ...options });
    // Plot writes its base rules into <style> elements, which the CSP refuses (no inline styles):
    // the same rules are in our stylesheet, under the fixed class name.
    for (const inline of chart.querySelectorAll('style')) inline.remove();
    // One image with one name: Plot's labels on its inner groups would be ARIA on generic elements.
    for (const inner of chart.querySelectorAll('[aria-label], [aria-description]')) {
      inner.removeAttribute('aria-label');
      inner.removeAttribute('aria-description');
    }
    chart.setAttribute('role', 'img');
    chart.setAttribute('aria-label', label);
    host.replaceChildren(chart);
    return () => chart.remove();
  }, [options, label, minWidth]);
  return <div ref={ref} className={`report-chart${className ? ` ${className}` : ''}`} />;
}
