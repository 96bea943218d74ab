/**
 * The handlebars template of the pull-request comment: a hidden marker (so the comment is found and
 * updated in place), the summary table first, problems, then one collapsible section per site with one
 * block per intent and one collapsible diff per object. Compiled with `noEscape`: the view model escapes
 * what it puts into table cells, and diffs sit in fences longer than any backtick run they hold.
 */
export const REVIEW_MARKER = "<!-- intentops-review -->";

export const REVIEW_TEMPLATE = `${REVIEW_MARKER}
## intentops review: {{headline}}

Base \`{{base}}\` → head \`{{head}}\` · intents: {{summary.intents.added}} added, {{summary.intents.changed}} changed, {{summary.intents.removed}} removed, {{summary.intents.unchanged}} unchanged

{{#if sites.length}}
| site | intents | objects added | changed | removed |
| --- | ---: | ---: | ---: | ---: |
{{#each sites}}
| \`{{site}}\` | {{intentCount}} | {{counts.added}} | {{counts.changed}} | {{counts.removed}} |
{{/each}}
{{else}}
No rendered object changes on any site.
{{/if}}
{{#if problems.length}}

### ❌ {{problems.length}} problem(s) — this change does not compile or render

| file | line | code | problem |
| --- | ---: | --- | --- |
{{#each problems}}
| \`{{file}}\` | {{line}}:{{column}} | \`{{code}}\` | {{message}} |
{{/each}}
{{/if}}
{{#each sites}}

<details><summary><b>{{site}}</b>: {{counts.added}} added, {{counts.changed}} changed, {{counts.removed}} removed</summary>

{{#each intents}}
#### \`{{subject}}\` — intent {{status}} (\`{{file}}\`)

{{#if slo}}
SLO policy (window {{slo.windowSeconds}} s):{{#each slo.targets}} \`{{metric}} {{comparison}} {{threshold}} {{unit}}\` → {{action}}{{#unless @last}};{{/unless}}{{/each}}{{#if slo.unmonitored.length}} · not monitored: {{slo.unmonitoredText}}{{/if}}

{{/if}}
{{#if delta.length}}
Not mapped to TS 28.312 (delta report):{{#each delta}} \`{{pointer}}\` ({{reason}}){{#unless @last}};{{/unless}}{{/each}}

{{/if}}
{{#each shown}}
<details><summary>{{action}} <code>{{subject}}</code></summary>

{{fence}}diff
{{diff}}
{{fence}}

</details>
{{/each}}
{{#if listed.length}}
{{#each listed}}
- {{action}} \`{{subject}}\` (diff in the artifact)
{{/each}}
{{/if}}
{{#if hidden}}
- … and {{hidden}} more object(s), listed in the artifact
{{/if}}

{{/each}}
</details>
{{/each}}
{{#if truncated}}

> ⚠️ **truncated**: {{truncated}} object diff(s) are not shown here, to fit GitHub's comment limit — full diff in the artifact{{#if artifact}} ({{artifact}}){{/if}}.
{{/if}}
`;

export const NO_CHANGES_TEMPLATE = `${REVIEW_MARKER}
## intentops review: no changes

Base \`{{base}}\` → head \`{{head}}\`: the intents of this pull request render no object changes on any site.
`;
