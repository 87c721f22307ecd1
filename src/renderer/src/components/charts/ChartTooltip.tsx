import type { ReactNode } from 'react'

/** The tooltip box every chart uses: a title line, then label/value rows (values right-aligned). */
export function ChartTooltipBox({ title, rows, footer }: { title: ReactNode; rows: [ReactNode, ReactNode][]; footer?: ReactNode }): React.JSX.Element {
  return (
    <div className="chart-tip">
      <div className="chart-tip-title">{title}</div>
      <table>
        <tbody>
          {rows.map(([k, v], i) => (
            <tr key={i}>
              <th>{k}</th>
              <td className="num">{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {footer && <div className="chart-tip-foot">{footer}</div>}
    </div>
  )
}
