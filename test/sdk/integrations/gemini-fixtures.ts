import { Type } from '@google/genai'
import type { GenerateContentParameters } from '@google/genai'

/**
 * Answers shaped as the Gemini API returns them (https://ai.google.dev/api/generate-content,
 * https://ai.google.dev/gemini-api/docs/thinking, .../docs/rate-limits, .../docs/troubleshooting).
 */

export const MODEL = 'gemini-2.5-flash'

export const TOOLS = [
  {
    functionDeclarations: [
      {
        name: 'get_weather',
        description: 'Get the current weather in a given city',
        parameters: {
          type: Type.OBJECT,
          properties: { city: { type: Type.STRING } },
          required: ['city'],
        },
      },
    ],
  },
]

export const REQUEST = {
  model: MODEL,
  contents: [
    { role: 'user', parts: [{ text: 'Hi, I am planning a trip.' }] },
    { role: 'model', parts: [{ text: 'Great! Where to?' }] },
    { role: 'user', parts: [{ text: 'What is the weather in Paris?' }] },
  ],
  config: {
    systemInstruction: 'You are a travel assistant. Answer briefly.',
    tools: TOOLS,
    temperature: 0.2,
    thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 },
  },
} satisfies GenerateContentParameters

/** A response with thoughts (asked for with includeThoughts), text and a function call, from a cached prompt. */
export const RESPONSE = {
  candidates: [
    {
      content: {
        parts: [
          {
            text: '**Checking the forecast**\n\nThe user wants the weather in Paris; I should call get_weather.',
            thought: true,
          },
          { text: 'Let me look up the weather in Paris.' },
          {
            functionCall: { name: 'get_weather', args: { city: 'Paris' } },
            thoughtSignature: 'CiQBcsjafEp1hZ0s0Iy2ZT4gEhhtIdU',
          },
        ],
        role: 'model',
      },
      finishReason: 'STOP',
      index: 0,
    },
  ],
  usageMetadata: {
    promptTokenCount: 5210,
    candidatesTokenCount: 38,
    totalTokenCount: 5401,
    cachedContentTokenCount: 4096,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: 5210 }],
    cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 4096 }],
    thoughtsTokenCount: 153,
  },
  modelVersion: 'gemini-2.5-flash',
  responseId: 'mAitaLmkHPPlz7IPvtfUqQ4',
}

const usage = (candidates: number | undefined) => ({
  promptTokenCount: 5210,
  ...(candidates === undefined ? {} : { candidatesTokenCount: candidates }),
  totalTokenCount: 5210 + 153 + (candidates ?? 0),
  cachedContentTokenCount: 4096,
  promptTokensDetails: [{ modality: 'TEXT', tokenCount: 5210 }],
  thoughtsTokenCount: 153,
})

/** `streamGenerateContent?alt=sse`: the thought first, then the answer in two pieces; usage grows, the last is final. */
export const STREAM = [
  {
    candidates: [
      {
        content: {
          parts: [{ text: '**Checking the forecast**\n\nParis, today.', thought: true }],
          role: 'model',
        },
        index: 0,
      },
    ],
    usageMetadata: usage(undefined),
    modelVersion: 'gemini-2.5-flash',
    responseId: 'nBjtaPr3Gr7Vz7IP0MrQ4Qg',
  },
  {
    candidates: [
      { content: { parts: [{ text: 'The weather in Paris ' }], role: 'model' }, index: 0 },
    ],
    usageMetadata: usage(5),
    modelVersion: 'gemini-2.5-flash',
    responseId: 'nBjtaPr3Gr7Vz7IP0MrQ4Qg',
  },
  {
    candidates: [
      {
        content: { parts: [{ text: 'is sunny, 24°C.' }], role: 'model' },
        finishReason: 'STOP',
        index: 0,
      },
    ],
    usageMetadata: usage(12),
    modelVersion: 'gemini-2.5-flash',
    responseId: 'nBjtaPr3Gr7Vz7IP0MrQ4Qg',
  },
]

export const QUOTA_EXCEEDED = {
  error: {
    code: 429,
    message: 'You exceeded your current quota, please check your plan and billing details.',
    status: 'RESOURCE_EXHAUSTED',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [
          {
            quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
            quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
            quotaDimensions: { location: 'global', model: 'gemini-2.5-flash' },
            quotaValue: '10',
          },
        ],
      },
      {
        '@type': 'type.googleapis.com/google.rpc.Help',
        links: [
          {
            description: 'Learn more about Gemini API quotas',
            url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
          },
        ],
      },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '17s' },
    ],
  },
}

/** What the API sends in place of the next chunk when the model is overloaded mid-stream. */
export const OVERLOADED = {
  error: {
    code: 503,
    message: 'The model is overloaded. Please try again later.',
    status: 'UNAVAILABLE',
  },
}
