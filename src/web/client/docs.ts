/// <reference lib="dom" />
/**
 * Starts Swagger UI (loaded from its npm package by docs.html) on our OpenAPI document. The document
 * needs a key like every API route: the one typed at the dashboard login, sent with every request.
 */
interface SwaggerRequest {
  headers: Record<string, string>;
}
declare const SwaggerUIBundle: (options: {
  url: string;
  dom_id: string;
  deepLinking: boolean;
  requestInterceptor: (request: SwaggerRequest) => SwaggerRequest;
}) => unknown;

const key = sessionStorage.getItem('dozor.apiKey');
if (key === null) {
  location.href = '/#/login?next=docs';
} else {
  SwaggerUIBundle({
    url: '/api/v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    requestInterceptor: (request) => {
      request.headers.Authorization = `Bearer ${key}`;
      return request;
    },
  });
}
