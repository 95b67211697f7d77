# okrcli compiled template: Jinja2 3.1.6, source sha256 7aed0a2f052110ba566a5280d00104e8e6d3bc24632b1734ea35dee2dc23f777
# written by scripts/compile-templates: do not edit
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'report.md.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_layout = resolve('layout')
    l_0_link = l_0_code_link = l_0_status = missing
    try:
        t_1 = environment.filters['code']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'code' found.")
    try:
        t_2 = environment.filters['md']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'md' found.")
    pass
    def macro(l_1_text, l_1_url):
        t_3 = []
        if l_1_text is missing:
            l_1_text = undefined("parameter 'text' was not provided", name='text')
        if l_1_url is missing:
            l_1_url = undefined("parameter 'url' was not provided", name='url')
        pass
        if l_1_url:
            pass
            t_3.extend((
                '[',
                str(environment.finalize(t_2(l_1_text))),
                '](',
                str(environment.finalize(l_1_url)),
                ')',
            ))
        else:
            pass
            t_3.append(
                str(environment.finalize(t_2(l_1_text))),
            )
        return concat(t_3)
    context.exported_vars.add('link')
    context.vars['link'] = l_0_link = Macro(environment, macro, 'link', ('text', 'url'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_text, l_1_url):
        t_4 = []
        if l_1_text is missing:
            l_1_text = undefined("parameter 'text' was not provided", name='text')
        if l_1_url is missing:
            l_1_url = undefined("parameter 'url' was not provided", name='url')
        pass
        if l_1_url:
            pass
            t_4.extend((
                '[',
                str(environment.finalize(t_1(l_1_text))),
                '](',
                str(environment.finalize(l_1_url)),
                ')',
            ))
        else:
            pass
            t_4.append(
                str(environment.finalize(t_1(l_1_text))),
            )
        return concat(t_4)
    context.exported_vars.add('code_link')
    context.vars['code_link'] = l_0_code_link = Macro(environment, macro, 'code_link', ('text', 'url'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_item):
        t_5 = []
        if l_1_item is missing:
            l_1_item = undefined("parameter 'item' was not provided", name='item')
        pass
        t_5.extend((
            str(environment.finalize(environment.getattr(l_1_item, 'mark'))),
            ' ',
            str(environment.finalize(environment.getattr(l_1_item, 'status_words'))),
        ))
        return concat(t_5)
    context.exported_vars.add('status')
    context.vars['status'] = l_0_status = Macro(environment, macro, 'status', ('item',), False, False, False, context.eval_ctx.autoescape)
    yield from context.blocks['title'][0](context)
    if (not environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'part')):
        pass
        yield '\n'
        yield from context.blocks['headline'][0](context)
        yield '\n'
        yield from context.blocks['attention'][0](context)
        yield '\n'
        yield from context.blocks['glance'][0](context)
        yield '\n'
        yield from context.blocks['charts'][0](context)
        yield '\n'
        yield from context.blocks['alignment'][0](context)
    yield '\n'
    yield from context.blocks['units'][0](context)
    if (not environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'part')):
        pass
        yield '\n'
        yield from context.blocks['history'][0](context)
        yield '\n'
        yield from context.blocks['checkins'][0](context)
        yield '\n'
        yield from context.blocks['prompts'][0](context)

def block_title(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_layout = resolve('layout')
    l_0_organisation = resolve('organisation')
    l_0_quarter = resolve('quarter')
    l_0_link = resolve('link')
    l_0_date = resolve('date')
    try:
        t_2 = environment.filters['md']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'md' found.")
    pass
    if environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'part'):
        pass
        yield '# '
        yield str(environment.finalize(t_2(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'name'))))
        yield ': OKR report for '
        yield str(environment.finalize((undefined(name='quarter') if l_0_quarter is missing else l_0_quarter)))
        yield ', '
        yield str(environment.finalize(t_2(environment.getattr(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'part'), 'name'))))
        yield '\n\nPart of the report '
        yield str(environment.finalize(environment.call(context, (undefined(name='link') if l_0_link is missing else l_0_link), 'index', environment.getattr(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'part'), 'index'), _block_vars=_block_vars)))
        yield ': the units of '
        yield str(environment.finalize(t_2(environment.getattr(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'part'), 'name'))))
        yield ', as of '
        yield str(environment.finalize((undefined(name='date') if l_0_date is missing else l_0_date)))
        yield '.\n'
    else:
        pass
        yield '# '
        yield str(environment.finalize(t_2(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'name'))))
        yield ': OKR report for '
        yield str(environment.finalize((undefined(name='quarter') if l_0_quarter is missing else l_0_quarter)))
        yield '\n'

def block_headline(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_ended = resolve('ended')
    l_0_date = resolve('date')
    l_0_organisation = resolve('organisation')
    l_0_elapsed = resolve('elapsed')
    l_0_legend = resolve('legend')
    l_0_notices = resolve('notices')
    try:
        t_6 = environment.filters['count']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'count' found.")
    try:
        t_7 = environment.filters['default']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No filter named 'default' found.")
    try:
        t_2 = environment.filters['md']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'md' found.")
    try:
        t_8 = environment.filters['num']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No filter named 'num' found.")
    try:
        t_9 = environment.filters['pct']
    except KeyError:
        @internalcode
        def t_9(*unused):
            raise TemplateRuntimeError("No filter named 'pct' found.")
    pass
    if (undefined(name='ended') if l_0_ended is missing else l_0_ended):
        pass
        yield 'As of '
        yield str(environment.finalize((undefined(name='date') if l_0_date is missing else l_0_date)))
        yield ' (quarter over). **'
        yield str(environment.finalize(t_7(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'scope'), 'Organisation')))
        yield ' score '
        yield str(environment.finalize(t_8(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'score'))))
        yield '** `'
        yield str(environment.finalize(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'bar')))
        yield '`\n\n| Units missed | In the stretch zone | Over-achieved | Key results checked in | Stale | Moved goalposts |\n|---:|---:|---:|---:|---:|---:|\n| '
        yield str(environment.finalize(t_6(environment.getattr(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'bands'), 'missed'))))
        yield ' | '
        yield str(environment.finalize(t_6(environment.getattr(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'bands'), 'stretch'))))
        yield ' | '
        yield str(environment.finalize(t_6(environment.getattr(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'bands'), 'over'))))
        yield ' | '
        yield str(environment.finalize(t_6(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'checked_in'))))
        yield ' of '
        yield str(environment.finalize(t_6(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'key_results'))))
        yield ' | '
        yield str(environment.finalize(t_6(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'stale'))))
        yield ' | '
        yield str(environment.finalize(t_6(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'moved'))))
        yield ' |\n'
    else:
        pass
        yield 'As of '
        yield str(environment.finalize((undefined(name='date') if l_0_date is missing else l_0_date)))
        yield ', '
        yield str(environment.finalize(t_9((undefined(name='elapsed') if l_0_elapsed is missing else l_0_elapsed))))
        yield ' of the quarter gone. **'
        yield str(environment.finalize(t_7(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'scope'), 'Organisation')))
        yield ' score '
        yield str(environment.finalize(t_8(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'score'))))
        yield '** `'
        yield str(environment.finalize(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'bar')))
        yield '`\n\n| On track | At risk | Off track | Key results checked in | Stale | Moved goalposts |\n|---:|---:|---:|---:|---:|---:|\n| '
        yield str(environment.finalize(t_6(environment.getitem(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'paces'), 'on track'))))
        yield ' | '
        yield str(environment.finalize(t_6(environment.getitem(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'paces'), 'at risk'))))
        yield ' | '
        yield str(environment.finalize(t_6(environment.getitem(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'paces'), 'off track'))))
        yield ' | '
        yield str(environment.finalize(t_6(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'checked_in'))))
        yield ' of '
        yield str(environment.finalize(t_6(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'key_results'))))
        yield ' | '
        yield str(environment.finalize(t_6(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'stale'))))
        yield ' | '
        yield str(environment.finalize(t_6(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'moved'))))
        yield ' |\n'
    yield '\n'
    l_1_loop = missing
    for l_1_l, l_1_loop in LoopContext((undefined(name='legend') if l_0_legend is missing else l_0_legend), undefined):
        _loop_vars = {}
        pass
        yield str(environment.finalize(environment.getattr(l_1_l, 'mark')))
        yield ' '
        yield str(environment.finalize(environment.getattr(l_1_l, 'words')))
        yield str(environment.finalize((' · ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 32 in 'report.md.j2' evaluated to false and no else section was defined."))))
    l_1_loop = l_1_l = missing
    yield str(environment.finalize((' (pace: the score against the share of the quarter gone)' if (not (undefined(name='ended') if l_0_ended is missing else l_0_ended)) else cond_expr_undefined("the inline if-expression on line 32 in 'report.md.j2' evaluated to false and no else section was defined."))))
    yield '\n'
    for l_1_note in (undefined(name='notices') if l_0_notices is missing else l_0_notices):
        _loop_vars = {}
        pass
        yield '\n> Note: '
        yield str(environment.finalize(t_2(l_1_note)))
        yield '\n'
    l_1_note = missing

def block_attention(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_attention = resolve('attention')
    l_0_layout = resolve('layout')
    l_0_shown = resolve('shown')
    l_0_ended = resolve('ended')
    try:
        t_6 = environment.filters['count']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'count' found.")
    try:
        t_10 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_10(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_11 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_11(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_12 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_12(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_2 = environment.filters['md']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'md' found.")
    try:
        t_8 = environment.filters['num']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No filter named 'num' found.")
    try:
        t_13 = environment.tests['defined']
    except KeyError:
        @internalcode
        def t_13(*unused):
            raise TemplateRuntimeError("No test named 'defined' found.")
    pass
    yield '## Needs attention\n\n'
    if (undefined(name='attention') if l_0_attention is missing else l_0_attention):
        pass
        l_0_shown = ((undefined(name='attention') if l_0_attention is missing else l_0_attention)[:environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'attention_max')] if t_13(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'attention_max')) else (undefined(name='attention') if l_0_attention is missing else l_0_attention))
        _block_vars['shown'] = l_0_shown
        yield '| Unit | Key result | Score | '
        yield str(environment.finalize(('Status' if (undefined(name='ended') if l_0_ended is missing else l_0_ended) else 'Pace')))
        yield ' | Why |\n|---|---|---:|---|---|\n'
        for l_1_a in (undefined(name='shown') if l_0_shown is missing else l_0_shown):
            l_1_link = resolve('link')
            l_1_status = resolve('status')
            _loop_vars = {}
            pass
            yield '| '
            yield str(environment.finalize(t_2(environment.getattr(l_1_a, 'unit'))))
            yield ' | '
            yield str(environment.finalize(environment.call(context, (undefined(name='link') if l_1_link is missing else l_1_link), environment.getattr(l_1_a, 'title'), environment.getattr(l_1_a, 'link'), _loop_vars=_loop_vars)))
            yield ' | '
            yield str(environment.finalize(t_8(environment.getattr(l_1_a, 'score'))))
            yield ' | '
            yield str(environment.finalize(environment.call(context, (undefined(name='status') if l_1_status is missing else l_1_status), l_1_a, _loop_vars=_loop_vars)))
            yield ' | '
            yield str(environment.finalize(t_10(context.eval_ctx, t_12(context, environment.getattr(l_1_a, 'why'), 'md'), '; ')))
            yield ' |\n'
        l_1_a = l_1_link = l_1_status = missing
        if (t_11((undefined(name='attention') if l_0_attention is missing else l_0_attention)) > t_11((undefined(name='shown') if l_0_shown is missing else l_0_shown))):
            pass
            yield '\n…and '
            yield str(environment.finalize(t_6((t_11((undefined(name='attention') if l_0_attention is missing else l_0_attention)) - t_11((undefined(name='shown') if l_0_shown is missing else l_0_shown))))))
            yield ' more: worst first, '
            yield str(environment.finalize(t_6(t_11((undefined(name='shown') if l_0_shown is missing else l_0_shown)))))
            yield ' of '
            yield str(environment.finalize(t_6(t_11((undefined(name='attention') if l_0_attention is missing else l_0_attention)))))
            yield ' shown.\n'
    else:
        pass
        yield 'Nothing: every key result is on track, checked in, recently updated and kept its goalposts.\n'

def block_glance(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_layout = resolve('layout')
    l_0_glance = resolve('glance')
    l_0_ended = resolve('ended')
    try:
        t_6 = environment.filters['count']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'count' found.")
    try:
        t_11 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_11(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_8 = environment.filters['num']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No filter named 'num' found.")
    try:
        t_13 = environment.tests['defined']
    except KeyError:
        @internalcode
        def t_13(*unused):
            raise TemplateRuntimeError("No test named 'defined' found.")
    pass
    yield '## Units at a glance\n\nWorst first.'
    if (t_13(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'glance_max')) and (t_11((undefined(name='glance') if l_0_glance is missing else l_0_glance)) > environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'glance_max'))):
        pass
        yield ' The '
        yield str(environment.finalize(t_6(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'glance_max'))))
        yield ' lowest of '
        yield str(environment.finalize(t_6(t_11((undefined(name='glance') if l_0_glance is missing else l_0_glance)))))
        yield ' units.'
    yield '\n\n'
    if (undefined(name='ended') if l_0_ended is missing else l_0_ended):
        pass
        yield '| Unit | Level | Score | Status | Missed | Key results | Last check-in |\n|---|---|---:|---|---:|---:|---|\n'
    else:
        pass
        yield '| Unit | Level | Score | Pace | Off track | At risk | Key results | Last check-in |\n|---|---|---:|---|---:|---:|---:|---|\n'
    for l_1_u in ((undefined(name='glance') if l_0_glance is missing else l_0_glance)[:environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'glance_max')] if t_13(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'glance_max')) else (undefined(name='glance') if l_0_glance is missing else l_0_glance)):
        l_1_link = resolve('link')
        l_1_status = resolve('status')
        _loop_vars = {}
        pass
        if (undefined(name='ended') if l_0_ended is missing else l_0_ended):
            pass
            yield '| '
            yield str(environment.finalize(environment.call(context, (undefined(name='link') if l_1_link is missing else l_1_link), environment.getattr(l_1_u, 'name'), environment.getattr(l_1_u, 'link'), _loop_vars=_loop_vars)))
            yield ' | '
            yield str(environment.finalize(environment.getattr(l_1_u, 'level')))
            yield ' | '
            yield str(environment.finalize(t_8(environment.getattr(l_1_u, 'score'))))
            yield ' | '
            yield str(environment.finalize(environment.call(context, (undefined(name='status') if l_1_status is missing else l_1_status), l_1_u, _loop_vars=_loop_vars)))
            yield ' | '
            yield str(environment.finalize(t_6(environment.getattr(environment.getattr(l_1_u, 'counts'), 'missed'))))
            yield ' | '
            yield str(environment.finalize(t_6(environment.getattr(l_1_u, 'key_results'))))
            yield ' | '
            yield str(environment.finalize((environment.getattr(l_1_u, 'last_checkin') or 'never')))
            yield ' |\n'
        else:
            pass
            yield '| '
            yield str(environment.finalize(environment.call(context, (undefined(name='link') if l_1_link is missing else l_1_link), environment.getattr(l_1_u, 'name'), environment.getattr(l_1_u, 'link'), _loop_vars=_loop_vars)))
            yield ' | '
            yield str(environment.finalize(environment.getattr(l_1_u, 'level')))
            yield ' | '
            yield str(environment.finalize(t_8(environment.getattr(l_1_u, 'score'))))
            yield ' | '
            yield str(environment.finalize(environment.call(context, (undefined(name='status') if l_1_status is missing else l_1_status), l_1_u, _loop_vars=_loop_vars)))
            yield ' | '
            yield str(environment.finalize(t_6(environment.getitem(environment.getattr(l_1_u, 'counts'), 'off track'))))
            yield ' | '
            yield str(environment.finalize(t_6(environment.getitem(environment.getattr(l_1_u, 'counts'), 'at risk'))))
            yield ' | '
            yield str(environment.finalize(t_6(environment.getattr(l_1_u, 'key_results'))))
            yield ' | '
            yield str(environment.finalize((environment.getattr(l_1_u, 'last_checkin') or 'never')))
            yield ' |\n'
    l_1_u = l_1_link = l_1_status = missing

def block_charts(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_charts = resolve('charts')
    l_0_organisation = resolve('organisation')
    try:
        t_14 = environment.filters['lower']
    except KeyError:
        @internalcode
        def t_14(*unused):
            raise TemplateRuntimeError("No filter named 'lower' found.")
    pass
    if (environment.getattr((undefined(name='charts') if l_0_charts is missing else l_0_charts), 'burnup') or environment.getattr((undefined(name='charts') if l_0_charts is missing else l_0_charts), 'distribution')):
        pass
        yield '## Progress over the quarter\n'
        if environment.getattr((undefined(name='charts') if l_0_charts is missing else l_0_charts), 'burnup'):
            pass
            yield '\nThe '
            yield str(environment.finalize(t_14(environment.getattr((undefined(name='organisation') if l_0_organisation is missing else l_0_organisation), 'scope'))))
            yield "'s score at the end of each week (bars) against the share of the quarter gone (line): on pace while the bars keep up with the line.\n\n```mermaid\n"
            yield str(environment.finalize(environment.getattr((undefined(name='charts') if l_0_charts is missing else l_0_charts), 'burnup')))
            yield '\n```\n'
        if environment.getattr((undefined(name='charts') if l_0_charts is missing else l_0_charts), 'distribution'):
            pass
            yield "\nHow the key results' scores spread (the number of key results in each tenth from 0 to 1).\n\n```mermaid\n"
            yield str(environment.finalize(environment.getattr((undefined(name='charts') if l_0_charts is missing else l_0_charts), 'distribution')))
            yield '\n```\n'

def block_alignment(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_ended = resolve('ended')
    l_0_legend = resolve('legend')
    l_0_tree = resolve('tree')
    try:
        t_6 = environment.filters['count']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'count' found.")
    try:
        t_2 = environment.filters['md']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'md' found.")
    try:
        t_8 = environment.filters['num']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No filter named 'num' found.")
    pass
    yield '## Alignment\n\nHow the objectives ladder up to the strategy: the strategy themes on the left, each box with its score and coloured by its '
    yield str(environment.finalize(('status' if (undefined(name='ended') if l_0_ended is missing else l_0_ended) else 'pace')))
    yield ' ('
    l_1_loop = missing
    for l_1_l, l_1_loop in LoopContext((undefined(name='legend') if l_0_legend is missing else l_0_legend), undefined):
        _loop_vars = {}
        pass
        yield str(environment.finalize(environment.getattr(l_1_l, 'colour')))
        yield ' '
        yield str(environment.finalize(environment.getattr(l_1_l, 'words')))
        yield str(environment.finalize((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 105 in 'report.md.j2' evaluated to false and no else section was defined."))))
    l_1_loop = l_1_l = missing
    yield ').\n'
    if environment.getattr((undefined(name='tree') if l_0_tree is missing else l_0_tree), 'note'):
        pass
        yield '\n'
        yield str(environment.finalize(environment.getattr((undefined(name='tree') if l_0_tree is missing else l_0_tree), 'note')))
        yield '\n'
    if environment.getattr((undefined(name='tree') if l_0_tree is missing else l_0_tree), 'mermaid'):
        pass
        yield '\n```mermaid\n'
        yield str(environment.finalize(environment.getattr((undefined(name='tree') if l_0_tree is missing else l_0_tree), 'mermaid')))
        yield '\n```\n'
    if environment.getattr((undefined(name='tree') if l_0_tree is missing else l_0_tree), 'below'):
        pass
        yield '\n| Parent unit | Units under it | Mean score | Worst |\n|---|---:|---:|---|\n'
        for l_1_b in environment.getattr((undefined(name='tree') if l_0_tree is missing else l_0_tree), 'below'):
            _loop_vars = {}
            pass
            yield '| '
            yield str(environment.finalize(t_2(environment.getattr(l_1_b, 'name'))))
            yield ' | '
            yield str(environment.finalize(t_6(environment.getattr(l_1_b, 'units'))))
            yield ' | '
            yield str(environment.finalize(t_8(environment.getattr(l_1_b, 'score'))))
            yield ' | '
            yield str(environment.finalize(t_2(environment.getattr(environment.getattr(l_1_b, 'worst'), 'name'))))
            yield ' ('
            yield str(environment.finalize(t_8(environment.getattr(environment.getattr(l_1_b, 'worst'), 'score'))))
            yield ') |\n'
        l_1_b = missing
    yield '\n<details><summary>The same as a list</summary>\n\n'
    for l_1_item in environment.getattr((undefined(name='tree') if l_0_tree is missing else l_0_tree), 'text'):
        _loop_vars = {}
        pass
        yield str(environment.finalize(environment.call_binop(context, '*', '  ', environment.getattr(l_1_item, 'depth'))))
        yield '- '
        yield str(environment.finalize(t_2(environment.getattr(l_1_item, 'label'))))
        yield '\n'
    l_1_item = missing
    yield '\n</details>\n'

def block_units(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_layout = resolve('layout')
    l_0_units = resolve('units')
    try:
        t_6 = environment.filters['count']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'count' found.")
    try:
        t_10 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_10(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_12 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_12(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_2 = environment.filters['md']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'md' found.")
    try:
        t_8 = environment.filters['num']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No filter named 'num' found.")
    try:
        t_15 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_15(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    if environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'parts'):
        pass
        yield '## Units\n\nThe report is split in one file per business unit, each within what GitHub shows:\n\n'
        for l_1_p in environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'parts'):
            _loop_vars = {}
            pass
            yield '- ['
            yield str(environment.finalize(t_2(environment.getattr(l_1_p, 'name'))))
            yield ']('
            yield str(environment.finalize(environment.getattr(l_1_p, 'file')))
            yield '): '
            yield str(environment.finalize(t_6(environment.getattr(l_1_p, 'units'))))
            yield ' units, mean score '
            yield str(environment.finalize(t_8(environment.getattr(l_1_p, 'score'))))
            yield '\n'
        l_1_p = missing
    else:
        pass
        yield '## Units\n'
        l_1_loop = missing
        for l_1_unit, l_1_loop in LoopContext((undefined(name='units') if l_0_units is missing else l_0_units), undefined):
            l_1_ended = resolve('ended')
            _loop_vars = {}
            pass
            yield '\n'
            if environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'details'):
                pass
                yield '<details><summary>'
                yield str(environment.finalize(environment.getattr(l_1_unit, 'mark')))
                yield ' <b>'
                yield str(environment.finalize(t_2(environment.getattr(l_1_unit, 'name'))))
                yield '</b> ('
                yield str(environment.finalize(t_2(environment.getattr(l_1_unit, 'id'))))
                yield ', '
                yield str(environment.finalize(environment.getattr(l_1_unit, 'level')))
                yield '): '
                yield str(environment.finalize(t_8(environment.getattr(l_1_unit, 'score'))))
                yield '</summary>\n\n'
            yield '### '
            yield str(environment.finalize(t_2(environment.getattr(l_1_unit, 'name'))))
            yield ' (`'
            yield str(environment.finalize(environment.getattr(l_1_unit, 'id')))
            yield '`, '
            yield str(environment.finalize(environment.getattr(l_1_unit, 'level')))
            if (environment.getattr(l_1_unit, 'role') != 'product'):
                pass
                yield ', '
                yield str(environment.finalize(environment.getattr(l_1_unit, 'role')))
            yield '): '
            yield str(environment.finalize(t_8(environment.getattr(l_1_unit, 'score'))))
            if environment.getattr(l_1_unit, 'status'):
                pass
                yield ', '
                yield str(environment.finalize(environment.getattr(l_1_unit, 'status_words')))
            l_2_loop = missing
            for l_2_o, l_2_loop in LoopContext(environment.getattr(l_1_unit, 'objectives'), undefined):
                _loop_vars = {}
                pass
                yield '\n**'
                yield str(environment.finalize(t_2(environment.getattr(l_2_o, 'title'))))
                yield '**: '
                yield str(environment.finalize(environment.getattr(l_2_o, 'commitment')))
                yield ', score '
                yield str(environment.finalize(t_8(environment.getattr(l_2_o, 'score'))))
                if environment.getattr(l_2_o, 'status'):
                    pass
                    yield ' ('
                    yield str(environment.finalize(environment.getattr(l_2_o, 'status_words')))
                    yield ')'
                yield ' `'
                yield str(environment.finalize(environment.getattr(l_2_o, 'bar')))
                yield '`'
                if environment.getattr(l_2_o, 'aligns_to'):
                    pass
                    yield '; aligns to '
                    yield str(environment.finalize(t_10(context.eval_ctx, t_12(context, environment.getattr(l_2_o, 'aligns_to'), 'md'), ', ')))
                yield '\n\n| Key result | '
                yield str(environment.finalize(('Status' if (undefined(name='ended') if l_1_ended is missing else l_1_ended) else 'Pace')))
                yield ' | Baseline | Current | Target | Score | Progress | Trend | Confidence |\n|---|---|---:|---:|---:|---:|---|---|---:|\n'
                for l_3_k in environment.getattr(l_2_o, 'key_results'):
                    _loop_vars = {}
                    pass
                    yield '| '
                    if environment.getattr(l_3_k, 'link'):
                        pass
                        yield '['
                        yield str(environment.finalize(t_2(environment.getattr(l_3_k, 'title'))))
                        yield ']('
                        yield str(environment.finalize(environment.getattr(l_3_k, 'link')))
                        yield ')'
                    else:
                        pass
                        yield str(environment.finalize(t_2(environment.getattr(l_3_k, 'title'))))
                    yield ' | '
                    yield str(environment.finalize(environment.getattr(l_3_k, 'mark')))
                    yield ' '
                    yield str(environment.finalize(environment.getattr(l_3_k, 'status_words')))
                    yield ' | '
                    yield str(environment.finalize(environment.getattr(l_3_k, 'baseline')))
                    yield ' | '
                    yield str(environment.finalize(environment.getattr(l_3_k, 'current')))
                    yield ' | '
                    yield str(environment.finalize(environment.getattr(l_3_k, 'target')))
                    yield ' | '
                    yield str(environment.finalize(t_8(environment.getattr(l_3_k, 'score'))))
                    yield ' | `'
                    yield str(environment.finalize(environment.getattr(l_3_k, 'bar')))
                    yield '` | '
                    if environment.getattr(l_3_k, 'trend'):
                        pass
                        yield '`'
                        yield str(environment.finalize(environment.getattr(l_3_k, 'trend')))
                        yield '`'
                    else:
                        pass
                        yield '-'
                    yield ' | '
                    yield str(environment.finalize(environment.getattr(l_3_k, 'confidence')))
                    yield ' |\n'
                l_3_k = missing
                def t_16(fiter):
                    for l_3_k in fiter:
                        if environment.getattr(l_3_k, 'note'):
                            yield l_3_k
                l_3_loop = missing
                for l_3_k, l_3_loop in LoopContext(t_16(environment.getattr(l_2_o, 'key_results')), undefined):
                    _loop_vars = {}
                    pass
                    if environment.getattr(l_3_loop, 'first'):
                        pass
                        yield '\n'
                    yield '- Note on `'
                    yield str(environment.finalize(environment.getattr(l_3_k, 'id')))
                    yield '`: '
                    yield str(environment.finalize(t_2(environment.getattr(l_3_k, 'note'))))
                    yield '\n'
                l_3_loop = l_3_k = missing
            l_2_loop = l_2_o = missing
            if environment.getattr(l_1_unit, 'chart'):
                pass
                yield '\n```mermaid\n'
                yield str(environment.finalize(environment.getattr(environment.getattr(l_1_unit, 'chart'), 'mermaid')))
                yield '\n```\n\nLines: '
                l_2_loop = missing
                for l_2_c, l_2_loop in LoopContext(environment.getattr(environment.getattr(l_1_unit, 'chart'), 'key'), undefined):
                    _loop_vars = {}
                    pass
                    yield str(environment.finalize(environment.getattr(l_2_c, 'mark')))
                    yield ' '
                    yield str(environment.finalize(t_2(environment.getattr(l_2_c, 'title'))))
                    yield str(environment.finalize((' · ' if (not environment.getattr(l_2_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 176 in 'report.md.j2' evaluated to false and no else section was defined."))))
                l_2_loop = l_2_c = missing
                yield '\n'
            if ((undefined(name='ended') if l_1_ended is missing else l_1_ended) and (not t_15(environment.getattr(l_1_unit, 'brier')))):
                pass
                yield '\nCalibration of confidence check-ins: '
                yield str(environment.finalize(environment.getattr(l_1_unit, 'brier_words')))
                yield '.\n'
            if environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'details'):
                pass
                yield '\n</details>\n'
        l_1_loop = l_1_unit = l_1_ended = missing

def block_history(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_history = resolve('history')
    l_0_findings_by_rule = resolve('findings_by_rule')
    l_0_sections = missing
    try:
        t_6 = environment.filters['count']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'count' found.")
    try:
        t_2 = environment.filters['md']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'md' found.")
    pass
    yield '## What the history shows\n\n'
    l_0_sections = [('Moved goalposts', environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'moved')), ('Stale key results', environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'stale')), ('Parent objectives no unit took up', environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'uncovered')), ('Dependencies not acknowledged', environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'dependencies')), ('Units above the stretch band quarter after quarter', environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'sandbagging'))]
    _block_vars['sections'] = l_0_sections
    for (l_1_title, l_1_items) in (undefined(name='sections') if l_0_sections is missing else l_0_sections):
        _loop_vars = {}
        pass
        yield '**'
        yield str(environment.finalize(l_1_title))
        yield '**'
        yield str(environment.finalize((': none.' if (not l_1_items) else ':')))
        yield '\n'
        if l_1_items:
            pass
            yield '\n'
            for l_2_f in l_1_items:
                l_2_code_link = resolve('code_link')
                _loop_vars = {}
                pass
                yield '- '
                yield str(environment.finalize(environment.call(context, (undefined(name='code_link') if l_2_code_link is missing else l_2_code_link), environment.concat_bounded((environment.getattr(l_2_f, 'path'), ':', environment.getattr(l_2_f, 'line'), )), environment.getattr(l_2_f, 'link'), _loop_vars=_loop_vars)))
                yield ' '
                yield str(environment.finalize(t_2(environment.getattr(l_2_f, 'message'))))
                yield '\n'
            l_2_f = l_2_code_link = missing
        yield '\n'
    l_1_title = l_1_items = missing
    if (undefined(name='findings_by_rule') if l_0_findings_by_rule is missing else l_0_findings_by_rule):
        pass
        yield 'Lint findings by rule:\n\n| Rule | Severity | Findings |\n|---|---|---:|\n'
        for l_1_r in (undefined(name='findings_by_rule') if l_0_findings_by_rule is missing else l_0_findings_by_rule):
            _loop_vars = {}
            pass
            yield '| '
            yield str(environment.finalize(environment.getattr(l_1_r, 'code')))
            yield ' '
            yield str(environment.finalize(environment.getattr(l_1_r, 'name')))
            yield ' | '
            yield str(environment.finalize(environment.getattr(l_1_r, 'severity')))
            yield ' | '
            yield str(environment.finalize(t_6(environment.getattr(l_1_r, 'count'))))
            yield ' |\n'
        l_1_r = missing
    else:
        pass
        yield '`okr lint` finds nothing to report.\n'

def block_checkins(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_checkins = resolve('checkins')
    l_0_checkin_counts = resolve('checkin_counts')
    try:
        t_6 = environment.filters['count']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'count' found.")
    try:
        t_2 = environment.filters['md']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'md' found.")
    pass
    yield '## Check-in log\n\n'
    if (undefined(name='checkins') if l_0_checkins is missing else l_0_checkins):
        pass
        yield '<details><summary>'
        yield str(environment.finalize(t_6(environment.getattr((undefined(name='checkin_counts') if l_0_checkin_counts is missing else l_0_checkin_counts), 'changes'))))
        yield ' changes to '
        yield str(environment.finalize(t_6(environment.getattr((undefined(name='checkin_counts') if l_0_checkin_counts is missing else l_0_checkin_counts), 'key_results'))))
        yield ' key results; the latest '
        yield str(environment.finalize(environment.getattr((undefined(name='checkin_counts') if l_0_checkin_counts is missing else l_0_checkin_counts), 'per_kr')))
        yield ' of each key result shown, '
        yield str(environment.finalize(t_6(environment.getattr((undefined(name='checkin_counts') if l_0_checkin_counts is missing else l_0_checkin_counts), 'shown'))))
        yield ' rows, newest first</summary>\n\n| Date | Who | Key result | Field | Change | Commit |\n|---|---|---|---|---|---|\n'
        for l_1_c in (undefined(name='checkins') if l_0_checkins is missing else l_0_checkins):
            l_1_code_link = resolve('code_link')
            _loop_vars = {}
            pass
            yield '| '
            yield str(environment.finalize(environment.getattr(l_1_c, 'date')))
            yield ' | '
            yield str(environment.finalize(t_2(environment.getattr(l_1_c, 'author'))))
            yield ' | '
            yield str(environment.finalize(environment.call(context, (undefined(name='code_link') if l_1_code_link is missing else l_1_code_link), environment.getattr(l_1_c, 'kr'), environment.getattr(l_1_c, 'kr_link'), _loop_vars=_loop_vars)))
            yield ' | '
            yield str(environment.finalize(environment.getattr(l_1_c, 'field')))
            yield ' | '
            yield str(environment.finalize(environment.getattr(l_1_c, 'old')))
            yield ' → '
            yield str(environment.finalize(environment.getattr(l_1_c, 'new')))
            yield ' | '
            yield str(environment.finalize(t_2(environment.getattr(l_1_c, 'subject'))))
            yield ' ('
            yield str(environment.finalize(environment.call(context, (undefined(name='code_link') if l_1_code_link is missing else l_1_code_link), environment.getattr(l_1_c, 'commit'), environment.getattr(l_1_c, 'commit_link'), _loop_vars=_loop_vars)))
            yield ') |\n'
        l_1_c = l_1_code_link = missing
        yield '\n</details>\n'
    else:
        pass
        yield 'No check-ins in git history yet.\n'

def block_prompts(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_ended = resolve('ended')
    try:
        t_10 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_10(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_17 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_17(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_12 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_12(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_18 = environment.filters['selectattr']
    except KeyError:
        @internalcode
        def t_18(*unused):
            raise TemplateRuntimeError("No filter named 'selectattr' found.")
    pass
    if (undefined(name='ended') if l_0_ended is missing else l_0_ended):
        pass
        yield '## For the retrospective\n\n'
        for (l_1_band, l_1_label) in [('missed', 'Missed (below the stretch zone)'), ('stretch', 'In the stretch zone'), ('over', 'Over-achieved')]:
            l_1_units = resolve('units')
            l_1_prompts = resolve('prompts')
            l_1_members = missing
            _loop_vars = {}
            pass
            l_1_members = t_17(context.eval_ctx, t_12(context, t_18(context, (undefined(name='units') if l_1_units is missing else l_1_units), 'band', 'equalto', l_1_band), attribute='name'))
            _loop_vars['members'] = l_1_members
            if (undefined(name='members') if l_1_members is missing else l_1_members):
                pass
                yield '**'
                yield str(environment.finalize(l_1_label))
                yield '**: '
                yield str(environment.finalize(t_10(context.eval_ctx, t_12(context, (undefined(name='members') if l_1_members is missing else l_1_members), 'md'), ', ')))
                yield '.\n\n'
                for l_2_q in environment.getitem((undefined(name='prompts') if l_1_prompts is missing else l_1_prompts), l_1_band):
                    _loop_vars = {}
                    pass
                    yield '- '
                    yield str(environment.finalize(l_2_q))
                    yield '\n'
                l_2_q = missing
                yield '\n'
        l_1_band = l_1_label = l_1_units = l_1_members = l_1_prompts = missing

blocks = {'title': block_title, 'headline': block_headline, 'attention': block_attention, 'glance': block_glance, 'charts': block_charts, 'alignment': block_alignment, 'units': block_units, 'history': block_history, 'checkins': block_checkins, 'prompts': block_prompts}
debug_info = '3=25&4=49&5=73&6=86&15=87&17=90&39=92&58=94&80=96&102=98&135=100&190=101&192=104&219=106&237=108&6=110&7=129&8=132&10=138&12=147&17=152&18=196&19=199&23=207&25=224&29=234&32=250&33=260&35=264&39=268&42=323&43=325&44=328&46=330&47=336&49=347&51=350&58=360&61=396&64=404&71=410&72=415&73=418&75=435&80=453&81=469&83=472&85=475&88=477&91=479&96=482&102=485&105=515&106=527&108=530&110=532&113=535&116=537&120=540&121=544&127=556&128=559&135=566&136=612&141=615&142=619&146=632&148=637&149=640&152=651&153=667&155=671&158=689&160=691&161=695&163=732&164=740&167=744&170=750&173=753&176=756&179=765&181=768&183=770&192=775&195=799&196=801&197=805&198=809&200=812&201=817&206=824&211=827&212=831&219=844&222=867&223=870&227=878&228=883&237=905&238=938&241=941&242=947&243=949&244=952&246=956&247=960'